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
import java.util.LinkedHashMap;
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
import org.opencdp.testsupport.CpuTime;
import org.opencdp.testsupport.Infrastructure;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

/**
 * On-demand benchmark (not part of {@code mvn verify}): accepted events/s and request latency for
 * batches of 100 events through the whole gateway (auth, validation, dedup, Kafka acks=all), next
 * to the raw Kafka producer rate for the same records measured in the same run on the same broker.
 *
 * <p>Run: {@code mvn -pl ingestion-service verify -Pbenchmark} (settings: -Dbench.batches=4000
 * -Dbench.warmup-batches=16000 -Dbench.clients=16). The load generator shares the JVM and the cores
 * with the gateway and the broker, so the figures are a floor for a machine this size.
 */
@Tag("benchmark")
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
class GatewayBenchmark {
  private static final int EVENTS_PER_BATCH = 100;
  private static final String RAW_TOPIC = "bench.raw";
  private static final int RAW_PARTITIONS = 4; // as cdp.events.raw on the test broker

  @TestHTTPResource("/v1/batch")
  URI batchUri;

  private Cpu lastRunCpu;

  @Test
  void measureGatewayAgainstRawProducer() throws Exception {
    int batches = Integer.getInteger("bench.batches", 4000);
    int clients = Integer.getInteger("bench.clients", 16);
    var tenant = Gateway.newTenant(Map.of("name", "bench", "rateLimitPerSecond", 10_000_000));

    List<String> bodies = new ArrayList<>(batches);
    for (int i = 0; i < batches; i++) {
      bodies.add(batch(i));
    }
    createRawTopic();
    // Warm-up, not measured: connections, and enough requests for the per-request code to reach
    // C2 (about 10,000-15,000 invocations); with fewer, the measured phase pays its compilation.
    int warmUp = Integer.getInteger("bench.warmup-batches", Math.max(batches, 16_000));
    for (int round = 0, done = 0; done < warmUp; round++, done += batches) {
      run(
          tenant.writeKey(),
          bodies.subList(0, Math.min(batches, warmUp - done)),
          clients,
          "warm" + round + "-");
    }
    awaitJitQuiet();

    Cpu rawCpuBefore = Cpu.now();
    long rawStart = System.nanoTime();
    long rawRecords = rawProducer(bodies);
    double rawSeconds = (System.nanoTime() - rawStart) / 1e9;
    Map<String, Double> rawCpu = Cpu.now().since(rawCpuBefore);

    System.out.printf(
        "gateway phase starts at JVM uptime %d ms%n",
        java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
    Cpu gatewayCpuBefore = Cpu.now();
    long start = System.nanoTime();
    long[] latencies = run(tenant.writeKey(), bodies, clients, "");
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, Double> gatewayCpu = lastRunCpu.since(gatewayCpuBefore);
    Arrays.sort(latencies);
    long events = (long) batches * EVENTS_PER_BATCH;

    String report =
        String.format(
            "%n=== gateway benchmark (%d batches x %d events, %d clients, %d cores) ===%n"
                + "gateway accepted: %,.0f events/s  (%d requests, p50 %.1f ms, p99 %.1f ms, max %.1f ms)%n"
                + "raw Kafka producer, same records, acks=all idempotent lz4: %,.0f records/s%n"
                + "gateway / raw: %.0f%%%n"
                + "JVM (gateway + broker client + load generator) RSS: %d MB%n"
                + "%s",
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
            rssMegabytes(),
            Cpu.table(gatewayCpu, events, rawCpu, rawRecords));
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
    AtomicInteger threadNumber = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            clients, r -> new Thread(r, "bench-client-" + threadNumber.incrementAndGet()));
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
    lastRunCpu = Cpu.now(); // while the client threads still exist
    pool.shutdown();
    pool.awaitTermination(1, TimeUnit.MINUTES);
    return latencies;
  }

  /**
   * Compilations queued during the warm-up go on for seconds after it on a busy 2-core machine;
   * measured, they would be charged to the gateway. Waits (at most 60 s) until the JIT compilers
   * have been idle for 2 s.
   */
  private static void awaitJitQuiet() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    double jit = jitMillis();
    while (System.nanoTime() < deadline) {
      Thread.sleep(2000);
      double now = jitMillis();
      if (now - jit < 20) {
        return;
      }
      jit = now;
    }
  }

  private static double jitMillis() {
    return CpuTime.jvmInternalThreads().getOrDefault("JIT", 0.0);
  }

  /** The raw baseline's topic, created before the warm-up so its leaders are settled. */
  private static void createRawTopic() throws Exception {
    String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    try (var admin =
        org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      if (!admin.listTopics().names().get().contains(RAW_TOPIC)) {
        admin
            .createTopics(
                List.of(new org.apache.kafka.clients.admin.NewTopic(RAW_TOPIC, 4, (short) 1)))
            .all()
            .get();
      }
    }
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
            "lz4",
            ProducerConfig.CLIENT_ID_CONFIG,
            "bench-raw");
    long sent = 0;
    try (var producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      // one acknowledged record per partition first: a burst into partitions whose leaders are
      // not known yet can leave the idempotent producer retrying OUT_OF_ORDER_SEQUENCE_NUMBER
      List<java.util.concurrent.Future<?>> primed = new ArrayList<>();
      for (int partition = 0; partition < RAW_PARTITIONS; partition++) {
        primed.add(producer.send(new ProducerRecord<>(RAW_TOPIC, partition, "k", "{}")));
      }
      for (var ack : primed) {
        ack.get();
      }
      List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
      for (String body : bodies) {
        for (String event : events(body)) {
          acks.add(producer.send(new ProducerRecord<>(RAW_TOPIC, "k" + (sent % 64), event)));
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

  /**
   * CPU time of every part at one moment: this JVM's threads (gateway, load generator, raw
   * producer), the JVM's own work (GC, JIT), and the broker, Redis and PostgreSQL processes.
   * Reported per event, it does not depend on how busy the machine is.
   */
  private record Cpu(
      Map<Long, CpuTime.ThreadTime> threads,
      double jvm,
      double broker,
      double redis,
      double postgres,
      Map<String, Double> jvmInternal) {
    static final String GATEWAY = "gateway (its threads in this JVM)";
    static final String GENERATOR = "load generator (bench-client + JDK HttpClient threads)";
    static final String RAW = "raw producer (main + its network thread)";
    static final String JVM = "this JVM's GC, JIT, ended threads";
    static final String BROKER = "Kafka broker (own JVM)";
    static final String REDIS = "Redis";
    static final String POSTGRES = "PostgreSQL";

    static Cpu now() {
      return new Cpu(
          CpuTime.threads(),
          CpuTime.thisProcessMillis(),
          CpuTime.processMillis(Infrastructure.kafka().pid().orElseThrow()),
          CpuTime.redisMillis(Infrastructure.redis().port()),
          CpuTime.postgresMillis(Infrastructure.postgres().dataDirectory()),
          CpuTime.jvmInternalThreads());
    }

    Map<String, Double> since(Cpu before) {
      Map<String, Double> parts = new LinkedHashMap<>();
      parts.put(GATEWAY, 0.0);
      parts.putAll(CpuTime.byGroup(before.threads, threads, Cpu::groupOf));
      double threadsTotal = parts.values().stream().mapToDouble(Double::doubleValue).sum();
      parts.put(JVM, Math.max(0, jvm - before.jvm - threadsTotal));

      parts.put(BROKER, broker - before.broker);
      parts.put(REDIS, redis - before.redis);
      parts.put(POSTGRES, postgres - before.postgres);
      jvmInternal.forEach(
          (kind, ms) ->
              parts.put("  of which " + kind, ms - before.jvmInternal.getOrDefault(kind, 0.0)));
      return parts;
    }

    private static String groupOf(String thread) {
      if (thread.startsWith("bench-client") || thread.startsWith("HttpClient-")) {
        return GENERATOR;
      }
      if (thread.equals("main") || thread.contains("bench-raw")) {
        return RAW;
      }
      return GATEWAY;
    }

    /** Microseconds of CPU per event for each part, gateway phase next to the raw phase. */
    static String table(
        Map<String, Double> gateway, long events, Map<String, Double> raw, long records) {
      StringBuilder out = new StringBuilder("CPU per event (us), gateway phase | raw phase:%n");
      List<String> parts = new ArrayList<>(List.of(GATEWAY, GENERATOR, RAW, JVM));
      gateway.keySet().stream().filter(k -> k.startsWith("  of which")).forEach(parts::add);
      parts.addAll(List.of(BROKER, REDIS, POSTGRES));
      for (String part : parts) {
        out.append(
            String.format(
                "  %-56s %7.1f | %7.1f%n",
                part,
                1000 * gateway.getOrDefault(part, 0.0) / events,
                1000 * raw.getOrDefault(part, 0.0) / records));
      }
      double gatewayPath =
          gateway.entrySet().stream()
              .filter(e -> List.of(GATEWAY, JVM, BROKER, REDIS, POSTGRES).contains(e.getKey()))
              .mapToDouble(Map.Entry::getValue)
              .sum();
      double rawPath =
          raw.getOrDefault(RAW, 0.0) + raw.getOrDefault(JVM, 0.0) + raw.getOrDefault(BROKER, 0.0);
      int cores = Runtime.getRuntime().availableProcessors();
      out.append(
          String.format(
              "gateway path (all but the load generator): %.1f us/event -> at most %,.0f events/s"
                  + " on %d cores%n"
                  + "raw path (producer, JVM, broker): %.1f us/record -> at most %,.0f records/s%n",
              1000 * gatewayPath / events,
              cores * 1e3 * events / gatewayPath,
              cores,
              1000 * rawPath / records,
              cores * 1e3 * records / rawPath));
      return out.toString().replace("%n", System.lineSeparator());
    }
  }
}
