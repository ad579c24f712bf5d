package org.opencdp.identity.benchmark;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time of this JVM's threads grouped by name (digits folded, so the four consumer threads are
 * one group). The test JVM hosts the broker, the benchmark's clients and the service together; on a
 * shared machine wall-clock rates mislead, CPU time per event by group shows where time goes.
 * Threads that end during the measurement are not counted.
 */
final class ThreadCpu {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private final Map<Long, Long> startNanos = snapshotById();
  private final long gcStartMillis = gcMillis();
  private final long jitStartMillis = jitMillis();

  static ThreadCpu start() {
    return new ThreadCpu();
  }

  /** CPU nanoseconds per thread group since {@link #start()}, largest first. */
  Map<String, Long> stop() {
    Map<String, Long> byGroup = new HashMap<>();
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long now = THREADS.getThreadCpuTime(info.getThreadId());
      if (now < 0) {
        continue;
      }
      long spent = now - startNanos.getOrDefault(info.getThreadId(), 0L);
      byGroup.merge(group(info.getThreadName()), spent, Long::sum);
    }
    // Not Java threads: collector and compiler time, as the JVM reports it (wall ms of pauses
    // and compilation, a lower bound of their CPU time).
    byGroup.put(
        "(garbage collection, ms of collector time)", (gcMillis() - gcStartMillis) * 1_000_000);
    byGroup.put("(JIT compilation, ms)", (jitMillis() - jitStartMillis) * 1_000_000);
    Map<String, Long> sorted = new LinkedHashMap<>();
    byGroup.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(entry -> sorted.put(entry.getKey(), entry.getValue()));
    return sorted;
  }

  private static Map<Long, Long> snapshotById() {
    Map<Long, Long> byId = new HashMap<>();
    for (long id : THREADS.getAllThreadIds()) {
      long nanos = THREADS.getThreadCpuTime(id);
      if (nanos >= 0) {
        byId.put(id, nanos);
      }
    }
    return byId;
  }

  private static long gcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(gc -> Math.max(0, gc.getCollectionTime()))
        .sum();
  }

  private static long jitMillis() {
    return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
  }

  private static String group(String threadName) {
    return threadName.replaceAll("\\d+", "#");
  }
}
