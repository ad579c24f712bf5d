package org.opencdp.segment.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.ChannelRegistry;
import io.vertx.mutiny.sqlclient.Pool;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.Config;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.EventType;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.Topics;
import org.opencdp.segment.messaging.Channels;
import org.opencdp.testsupport.EventEnvelopeBuilder;

/**
 * The real-time inputs through Kafka, as the platform sends them: for each event, the resolved
 * event ({@code cdp.events.resolved}) and the profile change it causes ({@code
 * cdp.profiles.changed}, the next version with {@code traits.last_login} and sometimes {@code
 * computed.orders_30d} changed), over a subset of the loaded profiles. The two input channels are
 * paused while the inputs are produced, then resumed; the phase ends when the service's consumer
 * group has committed every offset (commits follow durable writes). Prints inputs applied/s and CPU
 * per input of this JVM (the service and this driver; the Kafka broker is another process), of
 * PostgreSQL (postmaster and backends) and of Redis, read from /proc before and after.
 */
final class KafkaInputsPhase {
  private static final String[] PAGES = {"/", "/pricing", "/docs", "/blog", "/cart"};

  /**
   * Profile changes per event ({@code -Dbench.changes-per-event}, default 1): the whole platform
   * sends one only for a trait or identifier change, far fewer than one per event.
   */
  private static final double CHANGES_PER_EVENT =
      Double.parseDouble(System.getProperty("bench.changes-per-event", "1"));

  private final String workspace;
  private final Config config;
  private final ChannelRegistry channels;
  private final Pool pool;
  private final ObjectMapper json;
  private final Consumer<String> line;
  private final MeterRegistry registry;
  private final Map<Integer, Long> versions = new HashMap<>();
  private final Random random = new Random(11);

  KafkaInputsPhase(
      String workspace,
      Config config,
      ChannelRegistry channels,
      Pool pool,
      ObjectMapper json,
      MeterRegistry registry,
      Consumer<String> line) {
    this.workspace = workspace;
    this.config = config;
    this.channels = channels;
    this.pool = pool;
    this.json = json;
    this.line = line;
    this.registry = registry;
  }

  /** Sends {@code inputs} inputs over {@code profiles} profiles and waits until all are applied. */
  void run(int inputs, int profiles, boolean report) throws Exception {
    String bootstrap = config.getValue("kafka.bootstrap.servers", String.class);
    String group =
        config
            .getOptionalValue(
                "mp.messaging.incoming." + Channels.EVENTS_RESOLVED + ".group.id", String.class)
            .orElse("segment-service");
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        KafkaProducer<String, String> producer = producer(bootstrap)) {
      channels.getPausable(Channels.EVENTS_RESOLVED).pause();
      channels.getPausable(Channels.PROFILES_CHANGED).pause();
      long changesBefore = count("membership_change");
      int events = (int) Math.round(inputs / (1 + CHANGES_PER_EVENT));
      int changes = 0;
      for (int i = 0; i < events; i++) {
        int n = random.nextInt(profiles);
        Instant at = Instant.now();
        producer.send(
            new ProducerRecord<>(
                Topics.EVENTS_RESOLVED,
                workspace + ":p" + n,
                json.writeValueAsString(event(n, at))));
        if (CHANGES_PER_EVENT < 1 && random.nextDouble() >= CHANGES_PER_EVENT) {
          continue;
        }
        changes++;
        ProfileChanged change = change(n, at);
        producer.send(
            new ProducerRecord<>(
                Topics.PROFILES_CHANGED, change.partitionKey(), json.writeValueAsString(change)));
      }
      producer.flush();
      Map<TopicPartition, Long> ends = ends(admin);
      String load = loadAverage();
      long jvm0 = ProcessCpu.jvmMillis();
      long pg0 = postgresMillis();
      long redis0 = redisMillis();
      double[] batches0 = batches();
      long t0 = System.nanoTime();
      channels.getPausable(Channels.EVENTS_RESOLVED).resume();
      channels.getPausable(Channels.PROFILES_CHANGED).resume();
      while (!caughtUp(admin, group, ends)) {
        Thread.sleep(50);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      long jvm = ProcessCpu.jvmMillis() - jvm0;
      long pg = postgresMillis() - pg0;
      long redis = redisMillis() - redis0;
      double[] batches1 = batches();
      if (batches0 == null) {
        batches0 = new double[2];
      }
      if (!report) {
        return;
      }
      int sent = events + changes;
      line.accept(
          String.format(
              java.util.Locale.ROOT,
              "kafka inputs (%d resolved %s events + %d profile changes over %d profiles, 100 segments;"
                  + " load average before: %s): applied in %.1f s = %.0f inputs/s;"
                  + " CPU per input: JVM %.3f ms, PostgreSQL %.3f ms, Redis %.3f ms"
                  + " (total %.1f s, %.1f s, %.1f s); %d membership changes written;"
                  + " dead-lettered: %d; %s; Kafka consumers: %s; JVM memory: %s;"
                  + " load average after: %s",
              events,
              SegmentBenchmark.BENCH_LOAD ? "'Bench Load'" : "page/order",
              changes,
              profiles,
              load,
              seconds,
              sent / seconds,
              jvm / (double) sent,
              pg / (double) sent,
              redis / (double) sent,
              jvm / 1000.0,
              pg / 1000.0,
              redis / 1000.0,
              count("membership_change") - changesBefore,
              deadLettered(admin),
              batches1 == null
                  ? "one transaction per input"
                  : String.format(
                      java.util.Locale.ROOT,
                      "%.0f poll batches, %.1f records per batch",
                      batches1[0] - batches0[0],
                      (batches1[1] - batches0[1]) / Math.max(1, batches1[0] - batches0[0])),
              fetches(),
              memory(),
              loadAverage()));
    }
  }

  /**
   * Averages over the consumers of the two input topics of what each fetch from the broker brought
   * (a poll batch holds at most what the fetches had buffered).
   */
  private String fetches() {
    return String.format(
        java.util.Locale.ROOT,
        "%.1f records and %.0f bytes per fetch request",
        inputConsumerAverage("kafka.consumer.fetch.manager.records.per.request.avg"),
        inputConsumerAverage("kafka.consumer.fetch.manager.fetch.size.avg"));
  }

  private double inputConsumerAverage(String name) {
    return registry.find(name).gauges().stream()
        .filter(g -> String.valueOf(g.getId().getTag("topic")).startsWith("cdp."))
        .mapToDouble(io.micrometer.core.instrument.Gauge::value)
        .filter(v -> !Double.isNaN(v) && v > 0)
        .average()
        .orElse(Double.NaN);
  }

  /** Resident set (now and peak) and heap of this JVM (the service and the benchmark driver). */
  private static String memory() {
    Map<String, String> status = new HashMap<>();
    try {
      for (String l :
          java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        int colon = l.indexOf(':');
        if (colon > 0) {
          status.put(l.substring(0, colon), l.substring(colon + 1).trim());
        }
      }
    } catch (java.io.IOException e) {
      return "unreadable";
    }
    Runtime runtime = Runtime.getRuntime();
    return String.format(
        java.util.Locale.ROOT,
        "RSS %s (peak %s), heap used %d MiB of %d MiB committed",
        status.get("VmRSS"),
        status.get("VmHWM"),
        (runtime.totalMemory() - runtime.freeMemory()) >> 20,
        runtime.totalMemory() >> 20);
  }

  /** {count, total records} of the service's poll-batch metric, null where it has none. */
  private double[] batches() {
    DistributionSummary summary = registry.find("segment.input.batch").summary();
    return summary == null ? null : new double[] {summary.count(), summary.totalAmount()};
  }

  private EventEnvelope event(int n, Instant at) {
    if (SegmentBenchmark.BENCH_LOAD) {
      return EventEnvelopeBuilder.ofType(EventType.TRACK)
          .workspaceId(workspace)
          .sourceId("web")
          .event(SegmentBenchmark.BENCH_LOAD_EVENT)
          .userId("user-" + n)
          .properties(SegmentBenchmark.benchLoadProperties())
          .at(at)
          .profileId("p" + n)
          .build();
    }
    boolean order = random.nextInt(4) == 0;
    Map<String, Object> properties =
        order
            ? Map.of("total", random.nextInt(300), "currency", "EUR")
            : Map.of("path", PAGES[random.nextInt(PAGES.length)]);
    return EventEnvelopeBuilder.ofType(order ? EventType.TRACK : EventType.PAGE)
        .workspaceId(workspace)
        .sourceId("web")
        .event(order ? "Order Completed" : null)
        .name(order ? null : "Page")
        .userId("user-" + n)
        .properties(properties)
        .at(at)
        .profileId("p" + n)
        .build();
  }

  /** The next snapshot of profile {@code n}: a login now, sometimes another order counted. */
  private ProfileChanged change(int n, Instant at) {
    long version = versions.merge(n, 1L, Long::sum) + 1_000_000L; // loaded rows are version 1
    Random stable = new Random(n);
    Map<String, Object> traits = SegmentBenchmark.traits(n, stable);
    traits.put("last_login", at.toString());
    Map<String, Object> computed = new HashMap<>(SegmentBenchmark.computed(stable));
    List<String> changed = new ArrayList<>(List.of("traits.last_login"));
    if (random.nextInt(4) == 0) {
      computed.put("orders_30d", random.nextInt(11));
      changed.add("computed.orders_30d");
    }
    return new ProfileChanged(
        workspace,
        "p" + n,
        version,
        changed,
        traits,
        computed,
        SegmentBenchmark.consent(stable),
        List.of(),
        null,
        at,
        false);
  }

  private static KafkaProducer<String, String> producer(String bootstrap) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.LINGER_MS_CONFIG,
            5,
            ProducerConfig.BATCH_SIZE_CONFIG,
            256 * 1024),
        new StringSerializer(),
        new StringSerializer());
  }

  private static Map<TopicPartition, Long> ends(Admin admin) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (String topic : List.of(Topics.EVENTS_RESOLVED, Topics.PROFILES_CHANGED)) {
      admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get()
          .get(topic)
          .partitions()
          .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    }
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
    return ends;
  }

  private static boolean caughtUp(Admin admin, String group, Map<TopicPartition, Long> ends)
      throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      OffsetAndMetadata offset = committed.get(end.getKey());
      long at = offset == null ? 0 : offset.offset();
      if (at < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static long deadLettered(Admin admin) throws Exception {
    long total = 0;
    for (String topic :
        List.of(
            Topics.EVENTS_RESOLVED + Topics.DLQ_SUFFIX,
            Topics.PROFILES_CHANGED + Topics.DLQ_SUFFIX)) {
      if (!admin.listTopics().names().get().contains(topic)) {
        continue;
      }
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get()
          .get(topic)
          .partitions()
          .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      for (var info : admin.listOffsets(latest).all().get().values()) {
        total += info.offset();
      }
    }
    return total;
  }

  private long count(String table) {
    return pool.query("select count(*) from " + table)
        .execute()
        .await()
        .atMost(Duration.ofMinutes(1))
        .iterator()
        .next()
        .getLong(0);
  }

  private long postgresMillis() {
    String url = config.getValue("quarkus.datasource.reactive.url", String.class);
    return millisOf("postgres", URI.create(url.replace("postgresql://", "http://")).getPort());
  }

  private long redisMillis() {
    String url = config.getValue("quarkus.redis.hosts", String.class).split(",")[0];
    return millisOf("redis-server", URI.create(url.replace("redis://", "http://")).getPort());
  }

  private static long millisOf(String program, int port) {
    OptionalLong pid = ProcessCpu.find(program, port);
    return pid.isPresent() ? ProcessCpu.treeMillis(pid.getAsLong()) : 0;
  }

  static String loadAverage() {
    try {
      String[] f =
          java.nio.file.Files.readString(
                  java.nio.file.Path.of("/proc/loadavg"), StandardCharsets.US_ASCII)
              .split(" ");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }
}
