package org.opencdp.identity.benchmark;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * CPU time used by this JVM (the service under test) and by the PostgreSQL server the test
 * infrastructure started for it (postmaster and backends), so that results on a shared machine can
 * be read as cost per resolution rather than only as wall-clock throughput.
 */
final class CpuMeter {
  private final long appStart;
  private final long postgresStart;
  private final long brokerStart;

  /** CPU seconds of this JVM, of the PostgreSQL server and of the Kafka broker process. */
  record Usage(double appSeconds, double postgresSeconds, double brokerSeconds) {}

  private CpuMeter(long appStart, long postgresStart, long brokerStart) {
    this.appStart = appStart;
    this.postgresStart = postgresStart;
    this.brokerStart = brokerStart;
  }

  static CpuMeter start() {
    return new CpuMeter(appNanos(), postgresNanos(), brokerNanos());
  }

  Usage stop() {
    return new Usage(
        (appNanos() - appStart) / 1e9,
        (postgresNanos() - postgresStart) / 1e9,
        (brokerNanos() - brokerStart) / 1e9);
  }

  private static long appNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The postmaster is the process whose command line holds this JVM's infrastructure folder. */
  private static long postgresNanos() {
    return infrastructureNanos("postgres", "");
  }

  /** The broker JVM (test-support's KafkaBroker) runs {@code kafka.Kafka} from the same folder. */
  private static long brokerNanos() {
    return infrastructureNanos("java", "kafka.Kafka");
  }

  private static long infrastructureNanos(String command, String argument) {
    String marker = "cdp-infra-" + ProcessHandle.current().pid();
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().orElse("").contains(command))
        .filter(
            p -> {
              String line = commandLine(p);
              return line.contains(marker) && line.contains(argument);
            })
        .flatMap(p -> Stream.concat(Stream.of(p), p.descendants()))
        .map(p -> p.info().totalCpuDuration().orElse(Duration.ZERO))
        .mapToLong(Duration::toNanos)
        .sum();
  }

  /**
   * From /proc where it exists: {@code ProcessHandle.Info.commandLine()} is empty for a command
   * line as long as the broker's (the test classpath).
   */
  private static String commandLine(ProcessHandle process) {
    try {
      return new String(
          java.nio.file.Files.readAllBytes(
              java.nio.file.Path.of("/proc", Long.toString(process.pid()), "cmdline")),
          java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException | RuntimeException e) {
      return process.info().commandLine().orElse("");
    }
  }
}
