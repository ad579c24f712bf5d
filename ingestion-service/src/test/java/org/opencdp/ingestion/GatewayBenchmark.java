package org.opencdp.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

/**
 * On-demand benchmark (not part of {@code mvn verify}): accepted events/s and request latency for
 * batches of 100 events through the whole gateway (auth, validation, dedup, Kafka acks=all), next
 * to the raw Kafka producer rate for the same records measured in the same run on the same broker.
 *
 * <p>Run: {@code mvn -pl ingestion-service verify -Pbenchmark} (settings: -Dbench.batches=2000
 * -Dbench.clients=16). The load generator shares the JVM and the cores with the gateway and the
 * broker, so the figures are a floor for a machine this size.
 */
@Tag("benchmark")
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
class GatewayBenchmark {
  private static final int EVENTS_PER_BATCH = 100;

  @TestHTTPResource("/v1/batch")
  URI batchUri;

  @Test
  void measureGatewayAgainstRawProducer() throws Exception {
    int batches = Integer.getInteger("bench.batches", 2000);
    int clients = Integer.getInteger("bench.clients", 16);
    var tenant = Gateway.newTenant(Map.of("name", "bench", "rateLimitPerSecond", 10_000_000));

    List<String> bodies = new ArrayList<>(batches);
    for (int i = 0; i < batches; i++) {
      bodies.add(batch(i));
    }
    // Warm-up: JIT and connections, not measured.
    run(tenant.writeKey(), bodies.subList(0, Math.min(200, batches)), clients, "warm-");

    long rawStart = System.nanoTime();
    long rawRecords = rawProducer(bodies);
    double rawSeconds = (System.nanoTime() - rawStart) / 1e9;

    long start = System.nanoTime();
    long[] latencies = run(tenant.writeKey(), bodies, clients, "");
    double seconds = (System.nanoTime() - start) / 1e9;
    Arrays.sort(latencies);
    long events = (long) batches * EVENTS_PER_BATCH;

    String report =
        String.format(
            "%n=== gateway benchmark (%d batches x %d events, %d clients, %d cores) ===%n"
                + "gateway accepted: %,.0f events/s  (%d requests, p50 %.1f ms, p99 %.1f ms, max %.1f ms)%n"
                + "raw Kafka producer, same records, acks=all idempotent lz4: %,.0f records/s%n"
                + "gateway / raw: %.0f%%%n"
                + "JVM (gateway + broker client + load generator) RSS: %d MB%n",
            batches,
            EVENTS_PER_BATCH,
            clients,
            Runtime.getRuntime().availableProcessors(),
            events / seconds,
            latencies.length,
            ms(latencies, 0.50),
            ms(latencies, 0.99),
            latencies[latencies.length - 1] / 1e6,
            rawRecords / rawSeconds,
            100 * (events / seconds) / (rawRecords / rawSeconds),
            rssMegabytes());
    System.out.println(report);
    Files.writeString(Path.of("target", "gateway-benchmark.txt"), report);
    assertThat(latencies).hasSize(batches);
  }

  private long[] run(String writeKey, List<String> bodies, int clients, String idPrefix)
      throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String auth =
        "Basic "
            + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
    long[] latencies = new long[bodies.size()];
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> workers = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      workers.add(
          pool.submit(
              () -> {
                int i;
                while ((i = next.getAndIncrement()) < bodies.size()) {
                  HttpRequest request =
                      HttpRequest.newBuilder(batchUri)
                          .header("Authorization", auth)
                          .header("Content-Type", "application/json")
                          .POST(
                              HttpRequest.BodyPublishers.ofString(
                                  bodies.get(i).replace("\"m-", "\"" + idPrefix + "m-")))
                          .build();
                  long t0 = System.nanoTime();
                  HttpResponse<String> response =
                      http.send(request, HttpResponse.BodyHandlers.ofString());
                  latencies[i] = System.nanoTime() - t0;
                  if (response.statusCode() != 200) {
                    throw new IllegalStateException(
                        "status " + response.statusCode() + ": " + response.body());
                  }
                }
                return null;
              }));
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
    pool.shutdown();
    pool.awaitTermination(1, TimeUnit.MINUTES);
    return latencies;
  }

  /** The same JSON records straight to Kafka with the gateway's producer settings. */
  private static long rawProducer(List<String> bodies) throws Exception {
    String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.LINGER_MS_CONFIG,
            2,
            ProducerConfig.BATCH_SIZE_CONFIG,
            262144,
            ProducerConfig.COMPRESSION_TYPE_CONFIG,
            "lz4");
    try (var admin =
        org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      if (!admin.listTopics().names().get().contains("bench.raw")) {
        admin
            .createTopics(
                List.of(new org.apache.kafka.clients.admin.NewTopic("bench.raw", 4, (short) 1)))
            .all()
            .get();
      }
    }
    long sent = 0;
    try (var producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
      for (String body : bodies) {
        for (String event : events(body)) {
          acks.add(producer.send(new ProducerRecord<>("bench.raw", "k" + (sent % 64), event)));
          sent++;
        }
      }
      for (var ack : acks) {
        ack.get();
      }
    }
    return sent;
  }

  private static List<String> events(String body) {
    String inner = body.substring(body.indexOf('[') + 1, body.lastIndexOf(']'));
    return Arrays.asList(inner.split("(?<=\\}\\}),"));
  }

  private static String batch(int n) {
    StringBuilder body = new StringBuilder("{\"batch\":[");
    for (int e = 0; e < EVENTS_PER_BATCH; e++) {
      String id = n + "-" + e;
      body.append(e == 0 ? "" : ",")
          .append("{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"user-")
          .append((n * 31 + e) % 50_000)
          .append("\",\"messageId\":\"m-")
          .append(id)
          .append("-")
          .append(UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8)))
          .append(
              "\",\"timestamp\":\"2026-11-25T10:00:00Z\",\"context\":{\"library\":{\"name\":\"bench\"}},")
          .append("\"properties\":{\"sku\":\"SKU-")
          .append(e)
          .append("\",\"price\":19.99,\"category\":\"shoes\"}}");
    }
    return body.append("]}").toString();
  }

  private static double ms(long[] sorted, double quantile) {
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] / 1e6;
  }

  private static long rssMegabytes() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
      }
    }
    return -1;
  }
}
