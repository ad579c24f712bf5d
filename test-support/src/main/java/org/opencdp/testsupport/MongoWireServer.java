package org.opencdp.testsupport;

import de.bwaldvogel.mongo.MongoServer;

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
    // No oplog: no service opens a change stream, and mongo-java-server's oplog is an uncapped
    // collection that keeps a copy of every write for good (in the whole-platform benchmark it
    // held most of the test JVM's 5.7 GiB heap and cost the double an extra insert per write).
    // LeanMemoryBackend: two more of the double's own costs taken out (see there).
    MongoServer server = new MongoServer(new LeanMemoryBackend());
    server.bind("127.0.0.1", port);
    return new MongoWireServer(server, "mongodb://127.0.0.1:" + port);
  }

  /**
   * {@code MongoWireServer <port>}: the double alone in a JVM ({@link MongoWireProcess}), serving
   * until the JVM is stopped.
   */
  public static void main(String[] args) throws InterruptedException {
    start(Integer.parseInt(args[0]));
    System.out.println("MongoDB-wire test double listening on port " + args[0]);
    new java.util.concurrent.CountDownLatch(1).await();
  }

  public String connectionString() {
    return connectionString;
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
