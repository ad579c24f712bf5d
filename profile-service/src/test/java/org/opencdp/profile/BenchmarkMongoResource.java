package org.opencdp.profile;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The benchmark's store: a real MongoDB when {@code -Dbench.mongodb-url=mongodb://…} is given, else
 * its own mongo-java-server (the MongoDB-wire test double, same JVM), without an oplog (no service
 * opens a change stream; the oplog would hold a second copy of every seeded document). {@code
 * -Dbenchmark.store=h2} uses the file-backed H2 MVStore backend instead of the in-memory one. On
 * the test double the outbox relay is off (see start).
 */
public class BenchmarkMongoResource implements QuarkusTestResourceLifecycleManager {
  static final String URL_PROPERTY = "bench.mongodb-url";
  private MongoServer server;

  static String externalUrl() {
    String url = System.getProperty(URL_PROPERTY);
    return url == null || url.isBlank() ? null : url;
  }

  static String backendName() {
    return System.getProperty("benchmark.store", "memory");
  }

  @Override
  public Map<String, String> start() {
    String url = externalUrl();
    if (url != null) {
      return Map.of("quarkus.mongodb.connection-string", url);
    }
    server = new MongoServer(backend());
    InetSocketAddress address = server.bind();
    return Map.of(
        "quarkus.mongodb.connection-string",
        "mongodb://127.0.0.1:" + address.getPort(),
        // the relay's query (outbox.at <= t) is served by an index on MongoDB; the test double
        // ignores non-unique indexes and would scan every seeded profile every 30 s
        "cdp.profile.outbox.relay-interval",
        "off");
  }

  private static MongoBackend backend() {
    if (!"h2".equals(backendName())) {
      return new MeteredMemoryBackend();
    }
    try {
      Path file = Files.createTempFile(Path.of("target"), "benchmark-store", ".mv");
      Files.delete(file);
      file.toFile().deleteOnExit();
      return new H2Backend(file.toString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public void stop() {
    if (server != null) {
      server.shutdownNow();
    }
  }
}
