package org.opencdp.profile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time of this JVM's threads by group, from {@code /proc/self/task} (Linux; the JVM's own GC
 * and JIT threads included, which the management beans do not list). Threads that ended in between
 * are missing from the difference, so the groups can sum to less than the process CPU.
 */
final class ThreadCpu {
  private static final long TICK_NANOS = 10_000_000L; // USER_HZ = 100 on Linux

  private ThreadCpu() {}

  /** CPU nanoseconds by thread (id and group), summed later by group. */
  static Map<String, Long> byGroup() {
    Map<String, Long> byThread = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      tasks.forEach(
          task -> {
            try {
              String comm = Files.readString(task.resolve("comm")).trim();
              String stat = Files.readString(task.resolve("stat"));
              String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
              long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
              byThread.put(task.getFileName() + "/" + group(comm), ticks * TICK_NANOS);
            } catch (IOException | RuntimeException e) {
              // the thread ended meanwhile
            }
          });
    } catch (IOException e) {
      return Map.of();
    }
    return byThread;
  }

  private static String group(String comm) {
    if (comm.startsWith("mongo-server")) {
      return "test double (mongo-server-*)";
    }
    if (comm.startsWith("vert.x-eventloo")) {
      return "vert.x event loops (apply path, driver callbacks, HTTP)";
    }
    if (comm.startsWith("AsyncGetter")
        || comm.startsWith("cluster-")
        || comm.startsWith("async-")) {
      return "MongoDB driver";
    }
    if (comm.startsWith("smallrye-kafka") || comm.startsWith("kafka-")) {
      return "Kafka clients (consumers, producers)";
    }
    if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
      return "JIT compiler";
    }
    if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.startsWith("VM Thread")) {
      return "GC and VM";
    }
    if (comm.startsWith("executor-thread")) {
      return "Quarkus worker pool";
    }
    if (comm.equals("main") || comm.startsWith("java")) {
      return "benchmark main thread (producer side)";
    }
    return "other";
  }

  /** The difference per group, in ms per operation, largest first. */
  static String perOperation(Map<String, Long> before, Map<String, Long> after, double per) {
    Map<String, Long> groups = new TreeMap<>();
    after.forEach(
        (key, nanos) -> {
          long delta = nanos - before.getOrDefault(key, 0L);
          groups.merge(key.substring(key.indexOf('/') + 1), delta, Long::sum);
        });
    StringBuilder text = new StringBuilder();
    groups.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(
            e ->
                text.append(
                    String.format("%n    %.3f ms %s", e.getValue() / 1e6 / per, e.getKey())));
    return text.toString();
  }
}
