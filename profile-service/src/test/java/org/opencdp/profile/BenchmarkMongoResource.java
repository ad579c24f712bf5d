package org.opencdp.profile;

import java.util.Map;
import org.opencdp.testsupport.MongoResource;

/**
 * The benchmark's store: a real MongoDB when {@code -Dbench.mongodb-url=mongodb://…} is given, else
 * whatever {@link MongoResource} starts (the MongoDB-wire test double here).
 */
public class BenchmarkMongoResource extends MongoResource {
  static final String URL_PROPERTY = "bench.mongodb-url";

  static String externalUrl() {
    String url = System.getProperty(URL_PROPERTY);
    return url == null || url.isBlank() ? null : url;
  }

  @Override
  public Map<String, String> start() {
    String url = externalUrl();
    return url == null ? super.start() : Map.of("quarkus.mongodb.connection-string", url);
  }
}
