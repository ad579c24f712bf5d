package org.opencdp.e2e;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.opencdp.contracts.Topics;

/**
 * Event -> membership split into hops. Every Kafka record a signal event leads to carries the time
 * its producer sent it (CreateTime): the gateway's on {@code cdp.events.raw}, the
 * identity-service's on {@code cdp.events.resolved}, the segment-service's on {@code
 * cdp.segments.membership}. Read after the phase, they tell in which service the slow signals
 * waited. One machine, one clock: Kafka's wall-clock milliseconds, the benchmark's nanoTime
 * converted once.
 */
final class BenchHops {
  static final List<String> NAMES =
      List.of(
          "intended send -> on `cdp.events.raw` (load generator, HTTP, gateway)",
          "-> on `cdp.events.resolved` (identity-service)",
          "-> on `cdp.segments.membership` (segment-service)",
          "-> read by the benchmark's consumer");
  private static final long NANO_ZERO = System.nanoTime();
  private static final long EPOCH_MS_AT_NANO_ZERO = System.currentTimeMillis();

  /** Each signal's hops in milliseconds, by its intended send time (nanoTime). */
  private final SortedMap<Long, long[]> hopsBySentAt;

  BenchHops(SortedMap<Long, long[]> hopsBySentAt) {
    this.hopsBySentAt = hopsBySentAt;
  }

  static long epochMs(long nanoTime) {
    return EPOCH_MS_AT_NANO_ZERO + (nanoTime - NANO_ZERO) / 1_000_000;
  }

  /**
   * Reads the signal events' records from the topics (after the phase, not while it runs) and keeps
   * the signals seen on every hop.
   *
   * @param signalSentAt user -> intended send time (nanoTime)
   * @param membershipProducedAt profile -> CreateTime of its ENTERED record
   * @param membershipReadAt profile -> when the benchmark read that record (nanoTime)
   */
  static BenchHops read(
      KafkaProbe probe,
      Map<String, Long> signalSentAt,
      Map<String, String> profileOfUser,
      Map<String, Long> membershipProducedAt,
      Map<String, Long> membershipReadAt)
      throws IOException {
    SortedMap<Long, long[]> hops = new TreeMap<>();
    if (signalSentAt.isEmpty()) {
      return new BenchHops(hops);
    }
    long from = epochMs(Collections.min(signalSentAt.values())) - 5_000;
    Map<String, Long> raw = probe.producedAt(Topics.EVENTS_RAW, from, "Bench Signal", "userId");
    Map<String, Long> resolved =
        probe.producedAt(Topics.EVENTS_RESOLVED, from, "Bench Signal", "userId");
    signalSentAt.forEach(
        (user, sentAt) -> {
          String profile = profileOfUser.get(user);
          Long rawAt = raw.get(user);
          Long resolvedAt = resolved.get(user);
          Long enteredAt = profile == null ? null : membershipProducedAt.get(profile);
          Long readAt = profile == null ? null : membershipReadAt.get(profile);
          if (rawAt != null && resolvedAt != null && enteredAt != null && readAt != null) {
            hops.put(
                sentAt,
                new long[] {
                  rawAt - epochMs(sentAt),
                  resolvedAt - rawAt,
                  enteredAt - resolvedAt,
                  epochMs(readAt) - enteredAt
                });
          }
        });
    return new BenchHops(hops);
  }

  int count() {
    return hopsBySentAt.size();
  }

  /** Per hop: name, p50, p99, max. */
  List<List<String>> summary() {
    List<BenchRun.Latencies> perHop = latencies(hopsBySentAt.values());
    List<List<String>> rows = new ArrayList<>();
    for (int hop = 0; hop < NAMES.size(); hop++) {
      BenchRun.Latencies latencies = perHop.get(hop);
      rows.add(
          List.of(
              NAMES.get(hop),
              BenchReport.ms(latencies.ms(0.5)),
              BenchReport.ms(latencies.ms(0.99)),
              BenchReport.ms(latencies.ms(1.0))));
    }
    return rows;
  }

  /** Per window of send time: the window, the signals, then each hop's p99. */
  List<List<String>> p99ByWindow(Duration window) {
    List<List<String>> rows = new ArrayList<>();
    if (hopsBySentAt.isEmpty()) {
      return rows;
    }
    long first = hopsBySentAt.firstKey();
    SortedMap<Long, List<long[]>> windows = new TreeMap<>();
    hopsBySentAt.forEach(
        (sentAt, hops) ->
            windows
                .computeIfAbsent((sentAt - first) / window.toNanos(), w -> new ArrayList<>())
                .add(hops));
    long seconds = window.toSeconds();
    windows.forEach(
        (index, signals) -> {
          List<String> row = new ArrayList<>();
          row.add((index * seconds) + "-" + ((index + 1) * seconds) + " s");
          row.add("" + signals.size());
          latencies(signals).forEach(l -> row.add(BenchReport.ms(l.ms(0.99))));
          rows.add(row);
        });
    return rows;
  }

  private static List<BenchRun.Latencies> latencies(Iterable<long[]> signals) {
    List<BenchRun.Latencies> perHop = new ArrayList<>();
    NAMES.forEach(name -> perHop.add(new BenchRun.Latencies()));
    for (long[] hops : signals) {
      for (int hop = 0; hop < hops.length; hop++) {
        perHop.get(hop).add(hops[hop] * 1_000_000);
      }
    }
    return perHop;
  }
}
