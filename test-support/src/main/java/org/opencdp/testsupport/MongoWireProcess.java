package org.opencdp.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The MongoDB-wire test double ({@link MongoWireServer}) in a JVM of its own, as MongoDB is a
 * process of its own: its heap (all the platform's profiles and timelines) and its garbage
 * collections stay out of the JVM that starts it. In one JVM with the whole-platform benchmark, its
 * young collections (about 100 ms every 2 s, up to 850 ms) paused the load generator and the
 * observers, and were counted as the benchmark's own CPU.
 */
public final class MongoWireProcess implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final int port;

  private MongoWireProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts the double on {@code port} with {@code jvmOptions}, output appended to {@code log}. */
  public static MongoWireProcess start(int port, Path log, List<String> jvmOptions) {
    Process process =
        InfrastructureJvm.start(
            jvmOptions, log, MongoWireServer.class.getName(), String.valueOf(port));
    MongoWireProcess started = new MongoWireProcess(process, port);
    started.awaitReady(log);
    return started;
  }

  public String connectionString() {
    return "mongodb://127.0.0.1:" + port;
  }

  public long pid() {
    return process.pid();
  }

  private void awaitReady(Path log) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "MongoDB-wire test double exited at start, see " + log + KafkaBroker.lastLines(log));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        sleep();
      }
    }
    close();
    throw new IllegalStateException(
        "MongoDB-wire test double not listening within " + READY_TIMEOUT + ", see " + log);
  }

  @Override
  public void close() {
    InfrastructureJvm.stop(process, false);
  }

  private static void sleep() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
