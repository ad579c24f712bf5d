package org.opencdp.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** Latency samples and a closed-loop runner for the platform benchmark. */
final class BenchRun {
  private BenchRun() {}

  /** Latency samples in nanoseconds, added from any thread. */
  static final class Latencies {
    private long[] values = new long[4096];
    private int size;

    synchronized void add(long nanos) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = nanos;
    }

    synchronized int count() {
      return size;
    }

    /** The p-th quantile (0..1) in milliseconds, nearest rank; NaN without samples. */
    synchronized double ms(double quantile) {
      if (size == 0) {
        return Double.NaN;
      }
      long[] sorted = Arrays.copyOf(values, size);
      Arrays.sort(sorted);
      int rank = (int) Math.ceil(quantile * size) - 1;
      return sorted[Math.max(0, Math.min(size - 1, rank))] / 1e6;
    }
  }

  /**
   * Report rows (window, count, p50, p99, max) of latencies keyed by when they started (nanos), in
   * windows of {@code window} from the first one: whether the slow ones come together.
   */
  static List<List<String>> byWindow(SortedMap<Long, Long> latencyByStart, Duration window) {
    List<List<String>> rows = new ArrayList<>();
    if (latencyByStart.isEmpty()) {
      return rows;
    }
    long first = latencyByStart.firstKey();
    SortedMap<Long, Latencies> windows = new TreeMap<>();
    latencyByStart.forEach(
        (start, latency) ->
            windows
                .computeIfAbsent((start - first) / window.toNanos(), w -> new Latencies())
                .add(latency));
    long seconds = window.toSeconds();
    windows.forEach(
        (index, latencies) ->
            rows.add(
                List.of(
                    (index * seconds) + "-" + ((index + 1) * seconds) + " s",
                    "" + latencies.count(),
                    BenchReport.ms(latencies.ms(0.5)),
                    BenchReport.ms(latencies.ms(0.99)),
                    BenchReport.ms(latencies.ms(1.0)))));
    return rows;
  }

  /** One operation of a closed-loop run: returns the units it did (events, lookups). */
  interface Operation {
    int run(int thread, long iteration) throws Exception;
  }

  /** What a run did: units, failed operations, elapsed seconds and per-operation latencies. */
  record Result(long units, long errors, double seconds, Latencies latencies) {
    double perSecond() {
      return units / seconds;
    }
  }

  /**
   * {@code threads} threads repeat {@code operation} for {@code duration}, each waiting for the
   * previous answer (closed loop: measures capacity, not latency at a given rate).
   */
  static Result closedLoop(int threads, Duration duration, Operation operation) {
    Latencies latencies = new Latencies();
    AtomicLong units = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread worker =
          new Thread(
              () -> {
                for (long i = 0; System.nanoTime() < end; i++) {
                  long before = System.nanoTime();
                  try {
                    int done = operation.run(thread, i);
                    if (done > 0) {
                      units.addAndGet(done);
                      latencies.add(System.nanoTime() - before);
                    } else {
                      errors.incrementAndGet();
                    }
                  } catch (Exception e) {
                    errors.incrementAndGet();
                  }
                }
              },
              "bench-" + t);
      worker.start();
      workers.add(worker);
    }
    for (Thread worker : workers) {
      try {
        worker.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return new Result(units.get(), errors.get(), (System.nanoTime() - start) / 1e9, latencies);
  }
}
