package org.opencdp.profile;

import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The test double's in-memory backend, metered: the CPU time and heap its threads spend in each
 * command, by command and collection ({@code update timeline} are the applied marks, {@code update
 * profiles} the profile writes and outbox clears). What the double spends outside a command
 * (decoding the wire message, encoding the reply) is not counted here. The figures live in a JDK
 * map in the system properties: the test resource that builds the backend and the benchmark that
 * prints them may be loaded by different class loaders.
 */
final class MeteredMemoryBackend extends MemoryBackend {
  private static final String KEY = "opencdp.benchmark.store-meter";
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Override
  public Document handleCommand(
      Channel channel, String databaseName, String command, Document query) {
    long cpu = THREADS.getCurrentThreadCpuTime();
    long bytes = THREADS.getCurrentThreadAllocatedBytes();
    try {
      return super.handleCommand(channel, databaseName, command, query);
    } finally {
      Object target = query.get(command);
      LongAdder[] meter =
          meters()
              .computeIfAbsent(
                  command + (target instanceof String name ? " " + name : ""),
                  k -> new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder()});
      meter[0].add(THREADS.getCurrentThreadCpuTime() - cpu);
      meter[1].add(THREADS.getCurrentThreadAllocatedBytes() - bytes);
      meter[2].increment();
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, LongAdder[]> meters() {
    return (Map<String, LongAdder[]>)
        System.getProperties()
            .computeIfAbsent(KEY, k -> new ConcurrentHashMap<String, LongAdder[]>());
  }

  /**
   * Command and collection -> {CPU ns, bytes, commands} so far (empty if the double is not used).
   */
  static Map<String, long[]> snapshot() {
    Map<String, long[]> result = new java.util.TreeMap<>();
    meters().forEach((k, v) -> result.put(k, new long[] {v[0].sum(), v[1].sum(), v[2].sum()}));
    return result;
  }

  /** CPU and heap per operation, by command and collection, largest CPU first. */
  static String perOperation(Map<String, long[]> before, Map<String, long[]> after, double ops) {
    List<Map.Entry<String, long[]>> rows = new ArrayList<>();
    long[] total = new long[3];
    after.forEach(
        (k, v) -> {
          long[] b = before.getOrDefault(k, new long[3]);
          long[] d = {v[0] - b[0], v[1] - b[1], v[2] - b[2]};
          if (d[2] > 0) {
            rows.add(Map.entry(k, d));
            for (int i = 0; i < 3; i++) {
              total[i] += d[i];
            }
          }
        });
    rows.sort((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0]));
    StringBuilder out =
        new StringBuilder(
            String.format(
                "%.3f ms CPU, %,.0f bytes in commands", total[0] / 1e6 / ops, total[1] / ops));
    for (var row : rows) {
      long[] d = row.getValue();
      out.append(
          String.format(
              "%n    %.3f ms %,9.0f bytes %.4f commands  %s",
              d[0] / 1e6 / ops, d[1] / ops, d[2] / ops, row.getKey()));
    }
    return out.toString();
  }
}
