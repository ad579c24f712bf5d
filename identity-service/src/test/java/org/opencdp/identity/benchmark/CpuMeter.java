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

  record Usage(double appSeconds, double postgresSeconds) {}

  private CpuMeter(long appStart, long postgresStart) {
    this.appStart = appStart;
    this.postgresStart = postgresStart;
  }

  static CpuMeter start() {
    return new CpuMeter(appNanos(), postgresNanos());
  }

  Usage stop() {
    return new Usage((appNanos() - appStart) / 1e9, (postgresNanos() - postgresStart) / 1e9);
  }

  private static long appNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The postmaster is the process whose command line holds this JVM's infrastructure folder. */
  private static long postgresNanos() {
    String marker = "cdp-infra-" + ProcessHandle.current().pid();
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains(marker))
        .filter(p -> p.info().command().orElse("").contains("postgres"))
        .flatMap(p -> Stream.concat(Stream.of(p), p.descendants()))
        .map(p -> p.info().totalCpuDuration().orElse(Duration.ZERO))
        .mapToLong(Duration::toNanos)
        .sum();
  }
}
