package org.opencdp.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.opencdp.testsupport.FreePorts;
import org.opencdp.testsupport.PostgresServer;
import org.opencdp.testsupport.RedisServer;

/**
 * What the launcher does with its processes, in a JVM of its own that {@link OrphanWatchdogTest}
 * kills with SIGKILL: PostgreSQL and Redis as the launcher starts them, and a stand-in for a
 * service JVM started, killed and restarted through {@link ServiceProcess} like the drills do.
 * Prints {@code child=<pid>} for each, then {@code ready}, then waits to be killed.
 */
public final class LauncherLikeParent {
  private LauncherLikeParent() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    OrphanWatchdog watchdog = OrphanWatchdog.start();
    PostgresServer postgres = PostgresServer.start(dir.resolve("postgres"), FreePorts.next());
    watchdog.watch(postgres.postmaster(), "INT");
    RedisServer redis = RedisServer.start(FreePorts.next());
    watchdog.watch(redis.process().orElseThrow(), "TERM");
    ServiceProcess service =
        ServiceProcess.launch(
            "stand-in-service",
            0,
            new ProcessBuilder(List.of("sleep", "600")),
            Files.createDirectories(dir.resolve("logs")).resolve("stand-in.log"),
            watchdog);
    service.kill();
    service.restart(); // a restarted service is watched too
    for (long pid :
        List.of(postgres.postmaster().pid(), redis.process().orElseThrow().pid(), service.pid())) {
      System.out.println("child=" + pid);
    }
    System.out.println("ready");
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
