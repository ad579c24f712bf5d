package org.opencdp.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service of the platform run as its own JVM from its Quarkus fast-jar. Drills can {@link
 * #kill()} it (SIGKILL, no shutdown) and {@link #restart()} it with the same port and environment.
 */
public final class ServiceProcess {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final int port;
  private final ProcessBuilder builder;
  private final Path log;
  private final OrphanWatchdog watchdog;
  private Process process;

  private ServiceProcess(
      String name, int port, ProcessBuilder builder, Path log, OrphanWatchdog watchdog) {
    this.name = name;
    this.port = port;
    this.builder = builder;
    this.log = log;
    this.watchdog = watchdog;
  }

  static ServiceProcess start(
      Path repository,
      String name,
      int port,
      int heapMiB,
      int youngMiB,
      Map<String, String> env,
      Path logDir,
      OrphanWatchdog watchdog) {
    Path jar = repository.resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build first (mvn -DskipTests install)");
    }
    Path log = logDir.resolve(name + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ServiceJvm.options(heapMiB, youngMiB));
    command.addAll(List.of("-Dquarkus.http.port=" + port, "-jar", jar.toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(ServiceJvm.environment());
    builder.environment().putAll(env);
    return launch(name, port, builder, log, watchdog);
  }

  /** Runs {@code builder}'s command as the service (tests run a stand-in command). */
  static ServiceProcess launch(
      String name, int port, ProcessBuilder builder, Path log, OrphanWatchdog watchdog) {
    ServiceProcess service = new ServiceProcess(name, port, builder, log, watchdog);
    service.launch();
    return service;
  }

  /** Starts the JVM; the watchdog ends it if the launcher dies without stopping it. */
  private synchronized void launch() {
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
    watchdog.watch(process.toHandle(), "TERM");
  }

  public String name() {
    return name;
  }

  public int port() {
    return port;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public Path log() {
    return log;
  }

  /** The JVM's process id (to read its resident memory from /proc). */
  public synchronized long pid() {
    return process.pid();
  }

  public synchronized boolean isAlive() {
    return process.isAlive();
  }

  /** Waits until /q/health/ready answers UP, or fails naming the log to read. */
  public void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    URI ready = URI.create(url() + "/q/health/ready");
    while (System.nanoTime() < deadline) {
      if (!isAlive()) {
        throw new IllegalStateException(name + " exited; see " + log);
      }
      try {
        HttpResponse<String> response =
            HTTP.send(
                HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleep(500);
    }
    throw new IllegalStateException(name + " not ready after " + timeout + "; see " + log);
  }

  /** Graceful stop (SIGTERM), forced after 20 s; children of the JVM, if any, go with it. */
  public synchronized void stop() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A crash: SIGKILL, no shutdown hooks, no offsets committed on the way out. */
  public synchronized void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts the service again (same port, environment and log) after a stop or kill. */
  public synchronized void restart() {
    if (process.isAlive()) {
      throw new IllegalStateException(name + " is still running");
    }
    launch();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
