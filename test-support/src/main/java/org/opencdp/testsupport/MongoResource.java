package org.opencdp.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points the MongoDB client at the MongoDB-wire test server (mongo-java-server, not MongoDB) or,
 * with {@code -Dcdp.infra=containers}, at a real MongoDB container.
 */
public class MongoResource implements QuarkusTestResourceLifecycleManager {
  @Override
  public Map<String, String> start() {
    String connectionString =
        Containers.enabled()
            ? Containers.mongo().getConnectionString()
            : Infrastructure.mongo().connectionString();
    return Map.of("quarkus.mongodb.connection-string", connectionString);
  }

  @Override
  public void stop() {
    // shared across test classes; stopped at JVM exit
  }
}
