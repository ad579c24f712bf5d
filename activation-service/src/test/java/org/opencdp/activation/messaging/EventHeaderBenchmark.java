package org.opencdp.activation.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * CPU of the resolved-event filter's parse, on the same payloads: read up to the event's name (an
 * event no campaign names) against the whole top level (an event a campaign names; what every event
 * cost before). Payloads of the intake benchmark's shape and of the platform benchmark's {@code
 * Bench Load}. On demand: {@code mvn -B -ntp -pl activation-service -am verify -Pbenchmark
 * -Dtest=EventHeaderBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class EventHeaderBenchmark {
  private static final JsonFactory JSON = new JsonFactory();
  private static final int EVENTS = 200_000;
  private static final int ROUNDS = 10;

  @Test
  void cpuPerEventUpToTheNameAgainstTheWholeTopLevel() {
    StringBuilder report = new StringBuilder("\n=== EventHeader parse, thread CPU per event ===\n");
    for (String shape : List.of("intake", "platform")) {
      List<String> payloads = payloads(shape);
      for (int warm = 0; warm < ROUNDS; warm++) {
        cpu(payloads, false);
        cpu(payloads, true);
      }
      long[] early = new long[ROUNDS];
      long[] whole = new long[ROUNDS];
      for (int round = 0; round < ROUNDS; round++) {
        early[round] = cpu(payloads, false);
        whole[round] = cpu(payloads, true);
      }
      Arrays.sort(early);
      Arrays.sort(whole);
      report.append(
          String.format(
              "%s payloads (%d B on average), median of %d rounds of %,d: whole top level %.0f ns,"
                  + " up to the name %.0f ns%n",
              shape,
              payloads.stream().mapToInt(String::length).sum() / payloads.size(),
              ROUNDS,
              EVENTS,
              whole[ROUNDS / 2] / (double) EVENTS,
              early[ROUNDS / 2] / (double) EVENTS));
      assertThat(early[ROUNDS / 2]).isPositive();
    }
    System.out.print(report); // plain JUnit: no Quarkus logging here
  }

  /** Thread CPU of reading every payload's header, with every event named or none. */
  private static long cpu(List<String> payloads, boolean named) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long start = threads.getCurrentThreadCpuTime();
    int unnamed = 0;
    for (String payload : payloads) {
      if (!EventHeader.read(JSON, payload, (workspace, event) -> named).named()) {
        unnamed++;
      }
    }
    long cpu = threads.getCurrentThreadCpuTime() - start;
    assertThat(unnamed).isEqualTo(named ? 0 : payloads.size());
    return cpu;
  }

  /** The record's field order with nulls left out, as the platform's producers write it. */
  private static List<String> payloads(String shape) {
    List<String> out = new ArrayList<>(EVENTS);
    for (int i = 0; i < EVENTS; i++) {
      String id = UUID.randomUUID().toString();
      String head =
          "{\"messageId\":\""
              + id
              + "\",\"workspaceId\":\"ws-bench\",\"sourceId\":\"web\","
              + "\"type\":\"track\",";
      String at = "\"2026-11-26T02:14:28.123456Z\"";
      out.add(
          shape.equals("intake")
              ? head
                  + "\"event\":\"Page Viewed\",\"userId\":\"u-"
                  + id
                  + "\",\"anonymousId\":\"a-"
                  + id
                  + "\",\"properties\":{\"path\":\"/products/"
                  + i % 500
                  + "\",\"url\":\"https://shop.example.test/products/"
                  + i % 500
                  + "\",\"title\":\"Product page\",\"price\":"
                  + (19.99 + i % 100)
                  + ",\"currency\":\"EUR\"},\"context\":{\"ip\":\"203.0.113."
                  + i % 250
                  + "\",\"userAgent\":\"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"
                  + " (KHTML, like Gecko) Chrome/120 Safari\",\"locale\":\"fr-FR\","
                  + "\"library\":{\"name\":\"analytics.js\",\"version\":\"4.1.0\"},"
                  + "\"page\":{\"path\":\"/products\",\"referrer\":\"https://search.example.test/\"}},"
                  + "\"integrations\":{},\"timestamp\":"
                  + at
                  + ",\"originalTimestamp\":"
                  + at
                  + ",\"receivedAt\":"
                  + at
                  + ",\"profileId\":\"p-"
                  + id
                  + "\"}"
              : head
                  + "\"event\":\"Bench Load\",\"userId\":\"bench-"
                  + i % 100_000
                  + "\",\"properties\":{\"sku\":\"sku-42\",\"price\":9.99,\"currency\":\"EUR\"},"
                  + "\"timestamp\":"
                  + at
                  + ",\"sentAt\":"
                  + at
                  + ",\"receivedAt\":"
                  + at
                  + ",\"profileId\":\""
                  + id
                  + "\"}");
    }
    return out;
  }
}
