package org.opencdp.profile;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bytes allocated on the Java heap by this JVM's live threads ({@code
 * com.sun.management.ThreadMXBean#getThreadAllocatedBytes}), by the benchmark's groups. A thread
 * that ended in between is missing from the difference, so the groups are a lower bound.
 */
final class ThreadAllocation {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private ThreadAllocation() {}

  /** Thread id -> (name, bytes allocated so far). */
  static Map<Long, Map.Entry<String, Long>> snapshot() {
    long[] ids = THREADS.getAllThreadIds();
    long[] bytes = THREADS.getThreadAllocatedBytes(ids);
    ThreadInfo[] infos = THREADS.getThreadInfo(ids);
    Map<Long, Map.Entry<String, Long>> result = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] != null && bytes[i] >= 0) {
        result.put(ids[i], Map.entry(infos[i].getThreadName(), bytes[i]));
      }
    }
    return result;
  }

  private static String group(String name) {
    if (name.startsWith("mongo-server")) {
      return "test double (mongo-server-*)";
    }
    if (name.startsWith("vert.x-eventloop")) {
      return "vert.x event loops (apply path, driver callbacks)";
    }
    if (name.startsWith("AsyncGetter")
        || name.startsWith("cluster-")
        || name.startsWith("async-")) {
      return "MongoDB driver";
    }
    if (name.startsWith("smallrye-kafka") || name.startsWith("kafka-")) {
      return "Kafka clients (consumers, producers)";
    }
    if (name.startsWith("executor-thread")) {
      return "Quarkus worker pool";
    }
    if (name.equals("main")) {
      return "benchmark main thread (producer side)";
    }
    return "other";
  }

  /** Total bytes and the bytes per group, per operation, largest first. */
  static String perOperation(
      Map<Long, Map.Entry<String, Long>> before,
      Map<Long, Map.Entry<String, Long>> after,
      double per) {
    Map<String, Long> groups = new TreeMap<>();
    long total = 0;
    for (var e : after.entrySet()) {
      var old = before.get(e.getKey());
      long delta = e.getValue().getValue() - (old == null ? 0 : old.getValue());
      total += delta;
      groups.merge(group(e.getValue().getKey()), delta, Long::sum);
    }
    StringBuilder text = new StringBuilder(String.format("%,.0f bytes", total / per));
    groups.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(
            e ->
                text.append(String.format("%n    %,.0f bytes %s", e.getValue() / per, e.getKey())));
    return text.toString();
  }
}
