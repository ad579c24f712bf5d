package org.opencdp.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The real infrastructure of one test JVM, started lazily on free ports and shared by every test
 * class of the module (Quarkus restarts the app between classes, the servers keep running). Stopped
 * at JVM exit.
 */
public final class Infrastructure {
  private static final Path BASE =
      Path.of(
              "target",
              "cdp-infra-"
                  + ProcessHandle.current().pid()
                  + "-"
                  + java.util.UUID.randomUUID().toString().substring(0, 8))
          .toAbsolutePath();
  private static final List<AutoCloseable> STARTED = new ArrayList<>();

  private static KafkaBroker kafka;
  private static PostgresServer postgres;
  private static RedisServer redis;
  private static MongoWireServer mongo;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(Infrastructure::stopAll, "cdp-infra-stop"));
  }

  private Infrastructure() {}

  public static synchronized KafkaBroker kafka() {
    if (kafka == null) {
      kafka = register(KafkaBroker.startNew(BASE.resolve("kafka")));
    }
    return kafka;
  }

  public static synchronized PostgresServer postgres() {
    if (postgres == null) {
      postgres = register(PostgresServer.start(BASE.resolve("postgres"), FreePorts.next()));
    }
    return postgres;
  }

  public static synchronized RedisServer redis() {
    if (redis == null) {
      redis = register(RedisServer.start(FreePorts.next()));
    }
    return redis;
  }

  public static synchronized MongoWireServer mongo() {
    if (mongo == null) {
      mongo = register(MongoWireServer.start(FreePorts.next()));
    }
    return mongo;
  }

  private static <T extends AutoCloseable> T register(T server) {
    STARTED.add(server);
    return server;
  }

  private static synchronized void stopAll() {
    for (int i = STARTED.size() - 1; i >= 0; i--) {
      try {
        STARTED.get(i).close();
      } catch (Exception ignored) {
        // best effort at JVM exit
      }
    }
  }
}
