package org.opencdp.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A JVM of its own for a piece of infrastructure (the Kafka broker, the MongoDB-wire test double),
 * on this JVM's classpath, halted when this JVM is gone ({@link ExitWithParent}: its stdin stays a
 * pipe held here), logging WARN and above through {@link BrokerLogging}, output appended to a file.
 */
final class InfrastructureJvm {
  private InfrastructureJvm() {}

  /** {@code java <jvmOptions> ExitWithParent <main> <args>}, output appended to {@code log}. */
  static Process start(List<String> jvmOptions, Path log, String main, String... args) {
    List<String> arguments = new ArrayList<>(jvmOptions);
    arguments.add(ExitWithParent.class.getName());
    arguments.add(main);
    arguments.addAll(List.of(args));
    return start(log, arguments);
  }

  /** {@code java <arguments>} without the parent watchdog (a tool that ends on its own). */
  static Process start(Path log, List<String> arguments) {
    ProcessBuilder builder =
        new ProcessBuilder(command(arguments))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + builder.command(), e);
    }
  }

  /**
   * Stops a JVM started here (SIGTERM, or SIGKILL when {@code forcibly}), waits up to a minute,
   * then kills what is left and releases the pipe ends this JVM holds. The signal goes through the
   * handle: {@code Process.destroy()} would close its stdin first, and {@link ExitWithParent} would
   * halt it in the middle of its own shutdown (Kafka's controlled shutdown).
   */
  static void stop(Process process, boolean forcibly) {
    if (forcibly) {
      process.toHandle().destroyForcibly();
    } else {
      process.toHandle().destroy();
    }
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      process.getOutputStream().close();
      process.getInputStream().close();
    } catch (IOException ignored) {
      // nothing left to release
    }
  }

  private static List<String> command(List<String> arguments) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(classPath());
    command.add("-Djava.awt.headless=true");
    command.add("-Dslf4j.provider=" + BrokerLogging.class.getName());
    command.add("-Dslf4j.internal.verbosity=WARN"); // not SLF4J's own line naming the provider
    command.add(
        "-D"
            + BrokerLogging.LEVEL_PROPERTY
            + "="
            + System.getProperty(BrokerLogging.LEVEL_PROPERTY, "WARN"));
    command.addAll(arguments);
    return command;
  }

  /**
   * This JVM's classpath without the SLF4J binding to JBoss LogManager (Quarkus's). Bound but
   * unconfigured in a child JVM, JBoss LogManager had every TRACE/DEBUG message built (a JSON
   * rendering of each broker request among them) and then discarded: about 5x the broker CPU per
   * produced record, and nothing reached the log anyway.
   */
  private static String classPath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !entry.contains("slf4j-jboss-logmanager"))
        .collect(Collectors.joining(File.pathSeparator));
  }
}
