package org.opencdp.testsupport;

import io.quarkus.scheduler.Scheduled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Keeps a service's scheduled jobs quiet on shutdown. Quarkus closes the connection pools before it
 * stops the scheduler, so a job that keeps firing in between fails every interval and logs a
 * warning each time. {@code skipExecutionIf = Scheduled.ApplicationNotRunning.class} makes the
 * scheduler skip it from the {@code ShutdownEvent} on; this check finds the jobs that lack it.
 */
public final class ScheduledJobCheck {
  private ScheduledJobCheck() {}

  /**
   * Every {@code @Scheduled} method of the service whose compiled classes hold {@code anyClass}, as
   * {@code SimpleClassName.method}, each with whether it is skipped once the application stops.
   */
  public static Map<String, Boolean> skippedOnShutdown(Class<?> anyClass) {
    Path classes = NativeRegistrationCheck.classesOf(anyClass);
    Map<String, Boolean> jobs = new TreeMap<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        Class<?> type = load(classes.relativize(file), anyClass.getClassLoader());
        for (Method method : type.getDeclaredMethods()) {
          for (Scheduled scheduled : method.getAnnotationsByType(Scheduled.class)) {
            jobs.merge(
                type.getSimpleName() + "." + method.getName(),
                scheduled.skipExecutionIf() == Scheduled.ApplicationNotRunning.class,
                Boolean::logicalAnd);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the compiled classes in " + classes, e);
    }
    return jobs;
  }

  private static Class<?> load(Path classFile, ClassLoader loader) {
    String path = classFile.toString();
    String name = path.substring(0, path.length() - ".class".length()).replace('/', '.');
    try {
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(name + " is compiled but not on the classpath", e);
    }
  }
}
