package org.opencdp.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * Runs another main class ({@code ExitWithParent <main class> <args...>}) in a child JVM that halts
 * as soon as the JVM that started it is gone, however it went (kill -9 and CI timeouts included):
 * otherwise the child (the Kafka broker) lives on as an orphan holding ports, CPU and disk.
 *
 * <p>Two watchdogs, either one suffices: stdin reaching end-of-file (the parent holds the other end
 * of the pipe and the kernel closes it when the parent dies, whatever the signal) and the parent
 * process id changing (an orphan is re-parented to init or a subreaper), checked every second in
 * case the pipe end ever leaked into another process.
 *
 * <p>The child halts rather than exits: shutdown hooks (Kafka's controlled shutdown) can take tens
 * of seconds or hang with nobody left to wait for them, and the broker recovers from an unclean
 * stop anyway (the failure drills kill -9 it on purpose).
 */
public final class ExitWithParent {
  static final int PARENT_GONE_STATUS = 70;

  private ExitWithParent() {}

  public static void main(String[] args) throws Throwable {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: ExitWithParent <main class> [args...]");
    }
    startWatchdogs();
    try {
      Class.forName(args[0])
          .getMethod("main", String[].class)
          .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void startWatchdogs() {
    daemon("exit-with-parent-stdin", ExitWithParent::awaitStdinEnd);
    OptionalLong parent = parentPid();
    if (parent.isPresent()) {
      daemon("exit-with-parent-ppid", () -> awaitParentChange(parent.getAsLong()));
    }
  }

  private static void awaitStdinEnd() {
    byte[] discard = new byte[256];
    try (InputStream in = System.in) {
      while (in.read(discard) >= 0) {
        // nothing is ever written; reading only waits for end-of-file
      }
    } catch (IOException closed) {
      // a broken pipe means the same as end-of-file
    }
    halt("stdin closed");
  }

  private static void awaitParentChange(long parent) {
    while (parentPid().orElse(-1) == parent) {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
    }
    halt("parent process " + parent + " gone");
  }

  private static OptionalLong parentPid() {
    return ProcessHandle.current()
        .parent()
        .map(p -> OptionalLong.of(p.pid()))
        .orElse(OptionalLong.empty());
  }

  private static void halt(String why) {
    System.err.println("ExitWithParent: " + why + ", halting this process");
    System.err.flush();
    Runtime.getRuntime().halt(PARENT_GONE_STATUS);
  }

  private static void daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
  }
}
