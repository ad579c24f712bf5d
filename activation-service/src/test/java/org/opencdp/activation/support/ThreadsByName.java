package org.opencdp.activation.support;

import java.util.Map;
import java.util.TreeMap;
import org.opencdp.testsupport.CpuTime;

/**
 * CPU of this JVM's threads between two {@link CpuTime#tasks()} readings by kernel thread name with
 * digits folded ("vert.x-eventloop-thread-1" and "-0" together), largest first: where an idle or
 * loaded service spends, thread pool by thread pool. The load generator's threads are in it too.
 */
public final class ThreadsByName {
  private ThreadsByName() {}

  /** One line per name: CPU ms divided by {@code per} (inputs, seconds). */
  public static String table(
      Map<String, CpuTime.ThreadTime> before, Map<String, CpuTime.ThreadTime> after, double per) {
    Map<String, Double> byName = new TreeMap<>();
    after.forEach(
        (tid, time) -> {
          CpuTime.ThreadTime was = before.get(tid);
          double ms = time.millis() - (was == null ? 0 : was.millis());
          byName.merge(time.name().replaceAll("[0-9]+", "#"), ms, Double::sum);
        });
    StringBuilder out = new StringBuilder();
    byName.entrySet().stream()
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> out.append(String.format("  %-24s %.4f%n", e.getKey(), e.getValue() / per)));
    return out.toString();
  }
}
