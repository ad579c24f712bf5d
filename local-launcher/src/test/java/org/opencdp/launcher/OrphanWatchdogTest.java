package org.opencdp.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencdp.testsupport.ChildJvm;

/** What the launcher started must not outlive it, however it dies. */
class OrphanWatchdogTest {
  private static final Duration PARENT_START = Duration.ofSeconds(180);
  private static final Duration GONE_BOUND = Duration.ofSeconds(30);

  @Test
  void whatALauncherStartedIsGoneSoonAfterItIsKilledWithSigkill(@TempDir Path dir)
      throws Exception {
    Process parent = ChildJvm.start(LauncherLikeParent.class, dir.toString());
    Map<Long, Long> children = new LinkedHashMap<>(); // pid -> start ticks
    try {
      for (long pid : readChildren(parent)) {
        children.put(pid, OrphanWatchdog.startTicks(pid).orElseThrow());
      }
      assertThat(children).as("postmaster, redis-server, service stand-in").hasSize(3);

      parent.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertThat(parent.waitFor(10, TimeUnit.SECONDS)).isTrue();

      long deadline = System.nanoTime() + GONE_BOUND.toNanos();
      while (!running(children).isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertThat(running(children))
          .as("children still running %s after their launcher's kill -9", GONE_BOUND)
          .isEmpty();
    } finally {
      parent.destroyForcibly();
      running(children)
          .forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }
  }

  @Test
  void aLauncherThatStoppedItsProcessesItselfLetsTheWatchdogExitWithoutEndingAnything()
      throws Exception {
    OrphanWatchdog watchdog = OrphanWatchdog.start();
    Process child = new ProcessBuilder("sleep", "600").start();
    try {
      watchdog.watch(child.toHandle(), "TERM");

      watchdog.close();

      assertThat(watchdog.handle().onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
      assertThat(child.isAlive()).as("not ended by the watchdog after a normal stop").isTrue();
    } finally {
      child.destroyForcibly();
      watchdog.handle().destroyForcibly();
    }
  }

  /** The watched processes still running: same pid and start time (a reused pid is another). */
  private static List<Long> running(Map<Long, Long> children) {
    List<Long> running = new ArrayList<>();
    children.forEach(
        (pid, start) -> {
          if (OrphanWatchdog.startTicks(pid).stream().anyMatch(now -> now == start)) {
            running.add(pid);
          }
        });
    return running;
  }

  private static List<Long> readChildren(Process parent) throws Exception {
    return ChildJvm.linesUntil(parent, "ready"::equals, PARENT_START).stream()
        .filter(line -> line.startsWith("child="))
        .map(line -> Long.parseLong(line.substring("child=".length())))
        .toList();
  }
}
