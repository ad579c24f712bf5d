package org.opencdp.testsupport;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * mongo-java-server: a MongoDB wire-protocol server written in Java. It is NOT MongoDB: no
 * transactions, no $text, no partial indexes (see shared INFRA notes). It lets the official driver
 * run here without Docker; real MongoDB runs through Testcontainers with -Dcdp.infra=containers.
 */
public final class MongoWireServer implements AutoCloseable {
  private final MongoServer server;
  private final String connectionString;

  private MongoWireServer(MongoServer server, String connectionString) {
    this.server = server;
    this.connectionString = connectionString;
  }

  public static MongoWireServer start(int port) {
    MongoServer server = new MongoServer(new MemoryBackend());
    server.enableOplog(); // change streams
    server.bind("127.0.0.1", port);
    return new MongoWireServer(server, "mongodb://127.0.0.1:" + port);
  }

  public String connectionString() {
    return connectionString;
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
