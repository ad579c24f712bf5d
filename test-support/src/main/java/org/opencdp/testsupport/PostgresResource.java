package org.opencdp.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Points the reactive datasource at a real PostgreSQL shared by the module's tests. */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {
  @Override
  public Map<String, String> start() {
    if (Containers.enabled()) {
      var container = Containers.postgres();
      return Map.of(
          "quarkus.datasource.reactive.url",
          "postgresql://"
              + container.getHost()
              + ":"
              + container.getFirstMappedPort()
              + "/"
              + Containers.DATABASE,
          "quarkus.datasource.username",
          container.getUsername(),
          "quarkus.datasource.password",
          container.getPassword());
    }
    PostgresServer postgres = Infrastructure.postgres();
    postgres.createDatabase(Containers.DATABASE);
    return Map.of(
        "quarkus.datasource.reactive.url",
        postgres.reactiveUrl(Containers.DATABASE),
        "quarkus.datasource.username",
        PostgresServer.USER,
        "quarkus.datasource.password",
        "");
  }

  @Override
  public void stop() {
    // shared across test classes; stopped at JVM exit
  }
}
