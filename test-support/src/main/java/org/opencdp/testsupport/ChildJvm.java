package org.opencdp.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A JVM of its own for a test, on this JVM's classpath: for what only another process shows (what
 * it leaves behind when killed with SIGKILL, what it prints at start). Its stderr is merged into
 * its stdout.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /** Starts {@code main(args)} in a new JVM. */
  public static Process start(Class<?> main, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /**
   * The child's output lines up to and including the first that {@code last} accepts. Fails, with
   * the output read so far, when the child's output ends before it or none came within {@code
   * bound}.
   */
  public static List<String> linesUntil(Process child, Predicate<String> last, Duration bound)
      throws Exception {
    List<String> lines = new ArrayList<>();
    CompletableFuture<List<String>> read =
        CompletableFuture.supplyAsync(
            () -> {
              // not closed: a grandchild that inherited the pipe (a watchdog) must not get SIGPIPE
              BufferedReader reader =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
              try {
                String line;
                while ((line = reader.readLine()) != null) {
                  synchronized (lines) {
                    lines.add(line);
                  }
                  if (last.test(line)) {
                    return List.copyOf(lines);
                  }
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              throw new IllegalStateException(
                  "child JVM ended before the awaited line:\n" + text(lines));
            });
    try {
      return read.get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("no awaited line within " + bound + ":\n" + text(lines), e);
    }
  }

  private static String text(List<String> lines) {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }
}
