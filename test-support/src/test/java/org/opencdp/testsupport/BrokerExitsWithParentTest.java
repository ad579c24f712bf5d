package org.opencdp.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker child JVM must not outlive the JVM that started it, even after a kill -9. */
class BrokerExitsWithParentTest {
  private static final String PID_LINE = "broker-pid=";
  private static final Duration BROKER_START = Duration.ofSeconds(120);
  private static final Duration EXIT_BOUND = Duration.ofSeconds(30);

  @Test
  void brokerExitsWhenItsParentIsKilled(@TempDir Path dir) throws Exception {
    Process parent = ChildJvm.start(ParentJvm.class, dir.toString());
    ProcessHandle broker = null;
    try {
      long brokerPid = readBrokerPid(parent);
      broker = ProcessHandle.of(brokerPid).orElseThrow();
      assertThat(broker.isAlive()).as("broker running before the parent dies").isTrue();

      parent.destroyForcibly(); // SIGKILL: no shutdown hook of the parent runs
      assertThat(parent.waitFor(10, TimeUnit.SECONDS)).isTrue();

      assertThat(awaitGone(broker, EXIT_BOUND))
          .as("broker pid %d gone within %s of its parent's kill -9", brokerPid, EXIT_BOUND)
          .isTrue();
    } finally {
      parent.destroyForcibly();
      if (broker != null && broker.isAlive()) {
        broker.destroyForcibly(); // never leave the orphan this test is about
      }
    }
  }

  @Test
  void gracefulStopIsNotCutShortByTheWatchdog(@TempDir Path dir) throws Exception {
    KafkaBroker broker = KafkaBroker.startNew(dir);
    broker.stop();

    // Process.destroy() would also close the broker's stdin, and the watchdog would halt it in
    // the middle of Kafka's controlled shutdown
    assertThat(Files.readString(dir.resolve("broker.log"))).doesNotContain("ExitWithParent:");
  }

  private static long readBrokerPid(Process parent) throws Exception {
    List<String> lines =
        ChildJvm.linesUntil(parent, line -> line.startsWith(PID_LINE), BROKER_START);
    return Long.parseLong(lines.get(lines.size() - 1).substring(PID_LINE.length()));
  }

  private static boolean awaitGone(ProcessHandle process, Duration bound)
      throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        return true;
      }
      Thread.sleep(100);
    }
    return !process.isAlive();
  }

  /** The JVM that gets killed: starts a broker, reports its pid, then waits to be killed. */
  public static final class ParentJvm {
    private ParentJvm() {}

    public static void main(String[] args) throws InterruptedException {
      KafkaBroker broker = KafkaBroker.startNew(Path.of(args[0]));
      System.out.println(PID_LINE + broker.pid().orElseThrow());
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
