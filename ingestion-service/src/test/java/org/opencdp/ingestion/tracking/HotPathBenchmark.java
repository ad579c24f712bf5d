package org.opencdp.ingestion.tracking;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.ingestion.config.GatewayConfig;
import org.opencdp.ingestion.publish.EnvelopeWriter;

@Tag("benchmark")
/**
 * On-demand CPU cost of the gateway's per-event work without HTTP, Redis or Kafka: parse a batch of
 * 100 events, normalise each into the envelope, serialise each for Kafka. Prints microseconds per
 * event (CPU time of the thread, so that other load on the machine does not count); run with {@code
 * mvn -pl ingestion-service verify -Pbenchmark}.
 */
class HotPathBenchmark {
  static GatewayConfig config() {
    return new GatewayConfig() {
      public int maxEventBytes() {
        return 32768;
      }

      public int maxBatchBytes() {
        return 512000;
      }

      public int maxBatchEvents() {
        return 2500;
      }

      public int maxJsonDepth() {
        return 32;
      }

      public Duration kafkaAckTimeout() {
        return Duration.ofSeconds(10);
      }

      public int retryAfterSeconds() {
        return 5;
      }

      public Duration dedupWindow() {
        return Duration.ofHours(24);
      }

      public int defaultRateLimitPerSecond() {
        return 5000;
      }

      public Optional<String> adminTokenSha256() {
        return Optional.empty();
      }

      public Optional<String> hashKey() {
        return Optional.empty();
      }

      public Optional<String> configFile() {
        return Optional.empty();
      }
    };
  }

  @Test
  void measureParseNormaliseSerialise() throws Exception {
    ObjectMapper mapper =
        new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    TrackingRequestParser parser = new TrackingRequestParser(config());
    MessageNormalizer normalizer = new MessageNormalizer(config());
    EnvelopeWriter writer = new EnvelopeWriter(mapper);
    StringBuilder body = new StringBuilder("{\"batch\":[");
    for (int e = 0; e < 100; e++) {
      body.append(e == 0 ? "" : ",")
          .append("{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"user-")
          .append(e)
          .append("\",\"messageId\":\"m-")
          .append(e)
          .append(
              "-0000-1111-2222\",\"timestamp\":\"2026-11-25T10:00:00Z\",\"context\":{\"library\":{\"name\":\"bench\"}},")
          .append("\"properties\":{\"sku\":\"SKU-")
          .append(e)
          .append("\",\"price\":19.99,\"category\":\"shoes\"}}");
    }
    byte[] bytes =
        body.append("],\"context\":{\"ip\":\"1.2.3.4\"}}")
            .toString()
            .getBytes(StandardCharsets.UTF_8);
    java.lang.management.ThreadMXBean cpu =
        java.lang.management.ManagementFactory.getThreadMXBean();
    for (int round = 0; round < 10; round++) {
      long parse = 0, norm = 0, ser = 0;
      int n = 3000;
      long sink = 0;
      for (int i = 0; i < n; i++) {
        long t0 = cpu.getCurrentThreadCpuTime();
        TrackingRequest req = parser.parseBatch(bytes);
        long t1 = cpu.getCurrentThreadCpuTime();
        java.util.List<EventEnvelope> envs = new java.util.ArrayList<>();
        for (TrackingRequest.RawMessage raw : req.messages()) {
          Outcome o = normalizer.normalize(raw, req, "ws", "src", Instant.now());
          envs.add(((Outcome.Accepted) o).envelope());
        }
        long t2 = cpu.getCurrentThreadCpuTime();
        for (byte[] value : writer.write(envs)) sink += value.length;
        org.assertj.core.api.Assertions.assertThat(envs).hasSize(100);
        long t3 = cpu.getCurrentThreadCpuTime();
        parse += t1 - t0;
        norm += t2 - t1;
        ser += t3 - t2;
      }
      double ev = n * 100.0;
      System.out.printf(
          "hot path round %d: parse %.2f us/ev, normalize %.2f us/ev, serialise %.2f us/ev (sink %d)%n",
          round, parse / ev / 1000, norm / ev / 1000, ser / ev / 1000, sink);
    }
  }
}
