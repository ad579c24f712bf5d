package org.opencdp.profile;

import java.util.Map;
import org.opencdp.testsupport.CpuTime;

/**
 * CPU time of this JVM's threads by the benchmark's groups, read by test-support's {@link CpuTime}
 * from {@code /proc/self/task} (the JVM's own GC and JIT threads included). Threads that ended in
 * between are missing from the difference, so the groups can sum to less than the process CPU.
 */
final class ThreadCpu {
  private ThreadCpu() {}

  /** CPU time of every thread of this JVM (test-support's reading of /proc/self/task). */
  static Map<String, CpuTime.ThreadTime> byGroup() {
    return CpuTime.tasks();
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
  static String perOperation(
      Map<String, CpuTime.ThreadTime> before, Map<String, CpuTime.ThreadTime> after, double per) {
    StringBuilder text = new StringBuilder();
    CpuTime.byGroup(before, after, ThreadCpu::group).entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(
            e -> text.append(String.format("%n    %.3f ms %s", e.getValue() / per, e.getKey())));
    return text.toString();
  }
}
