package org.opencdp.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real Apache Kafka broker (KRaft, combined broker + controller) run as a separate JVM from the
 * Kafka jars on this classpath. A process rather than the in-JVM KafkaClusterTestKit because
 * failure drills must stop, kill -9 and restart the broker on the same ports and data, and because
 * the local launcher runs it the same way. The broker JVM dies with this JVM, however this one dies
 * ({@link ExitWithParent}).
 */
public final class KafkaBroker implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final int LOG_LINES_IN_FAILURES = 40;

  private final Path dataDir;
  private final int port;
  private final int controllerPort;
  private final Path config;
  private Process process;

  private KafkaBroker(Path dataDir, int port, int controllerPort) {
    this.dataDir = dataDir;
    this.port = port;
    this.controllerPort = controllerPort;
    this.config = dataDir.resolve("server.properties");
  }

  /**
   * Formats a fresh data directory and starts the broker on free ports. A free port can be taken by
   * another process before the broker binds it (several builds on one machine); a broker that exits
   * while starting is therefore tried again, twice, on new ports and an emptied data directory.
   */
  public static KafkaBroker startNew(Path dataDir) {
    return startNew(dataDir, FreePorts::next);
  }

  static KafkaBroker startNew(Path dataDir, java.util.function.IntSupplier clientPorts) {
    for (int attempt = 1; ; attempt++) {
      try {
        return startNew(dataDir, clientPorts.getAsInt());
      } catch (BrokerExited exited) {
        if (attempt == 3) {
          throw exited;
        }
        deleteLogDirectory(dataDir.resolve("logs"));
      }
    }
  }

  /** The broker process ended before it answered. */
  static final class BrokerExited extends IllegalStateException {
    BrokerExited(String message) {
      super(message);
    }
  }

  private static void deleteLogDirectory(Path logs) {
    try (var paths = Files.walk(logs)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.nio.file.NoSuchFileException gone) {
      // nothing was written
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Formats a fresh data directory and starts the broker on the given client port. */
  public static KafkaBroker startNew(Path dataDir, int port) {
    KafkaBroker broker = new KafkaBroker(dataDir, port, FreePorts.next());
    broker.format();
    broker.start();
    return broker;
  }

  /** The broker process id while it runs (benchmarks read its CPU time). */
  public synchronized OptionalLong pid() {
    return process != null && process.isAlive()
        ? OptionalLong.of(process.pid())
        : OptionalLong.empty();
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** Starts (or restarts) the broker process and waits until it answers. */
  public synchronized void start() {
    if (process != null && process.isAlive()) {
      return;
    }
    Path log = dataDir.resolve("broker.log");
    // stdin stays a pipe held by this JVM: ExitWithParent halts the broker when it closes, so the
    // broker never outlives this JVM (kill -9, CI timeout). kafka.Kafka stays on the command line.
    process =
        InfrastructureJvm.start(
            List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC"),
            log,
            "kafka.Kafka",
            config.toString());
    awaitReady(log);
  }

  /** Graceful stop (SIGTERM), as an orchestrator would. */
  public synchronized void stop() {
    terminate(false);
  }

  /** Hard kill (SIGKILL) for failure drills. */
  public synchronized void kill() {
    terminate(true);
  }

  @Override
  public void close() {
    stop();
  }

  private void terminate(boolean forcibly) {
    if (process == null) {
      return;
    }
    InfrastructureJvm.stop(process, forcibly);
    process = null;
  }

  private void format() {
    try {
      Files.createDirectories(dataDir);
      Files.writeString(config, serverProperties());
      Process formatter =
          InfrastructureJvm.start(
              dataDir.resolve("format.log"),
              List.of(
                  "kafka.tools.StorageTool",
                  "format",
                  "-t",
                  Uuid.randomUuid().toString(),
                  "-c",
                  config.toString()));
      if (!formatter.waitFor(60, TimeUnit.SECONDS) || formatter.exitValue() != 0) {
        throw new IllegalStateException(
            "kafka storage format failed, see " + dataDir.resolve("format.log"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String serverProperties() {
    return String.join(
        "\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs=" + dataDir.resolve("logs"),
        "num.partitions=4",
        "auto.create.topics.enable=true",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=4",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "log.flush.interval.messages=9223372036854775807",
        "");
  }

  private void awaitReady(Path log) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    Map<String, Object> admin =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new BrokerExited("kafka broker exited, see " + log + lastLines(log));
      }
      try (Admin client = Admin.create(admin)) {
        client.describeCluster().nodes().get(3, TimeUnit.SECONDS);
        return;
      } catch (Exception notYet) {
        sleep(200);
      }
    }
    throw new IllegalStateException(
        "kafka broker not ready in " + READY_TIMEOUT + ", see " + log + lastLines(log));
  }

  /**
   * The end of the broker's log (its WARN and ERROR lines and their causes, without stack frames),
   * so that a failure in CI says why without anyone having to fetch the file.
   */
  static String lastLines(Path log) {
    try {
      List<String> lines =
          Files.readAllLines(log).stream()
              .filter(line -> !line.matches("\\s+(at |\\.\\.\\. ).*"))
              .toList();
      List<String> tail =
          lines.subList(Math.max(0, lines.size() - LOG_LINES_IN_FAILURES), lines.size());
      return tail.isEmpty() ? "" : "; its last lines:\n" + String.join("\n", tail);
    } catch (IOException | java.io.UncheckedIOException unreadable) {
      return "";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
