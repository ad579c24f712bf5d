package org.opencdp.activation;

import static org.awaitility.Awaitility.await;

import io.quarkus.logging.Log;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.opencdp.activation.support.ActivationTestBase;
import org.opencdp.activation.support.IntakeLoad;
import org.opencdp.activation.support.IntakeReading;
import org.opencdp.activation.support.Kafka;
import org.opencdp.activation.support.Receiver;
import org.opencdp.activation.support.ThreadsByName;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.SegmentMembershipChanged;
import org.opencdp.contracts.Topics;
import org.opencdp.testsupport.CpuTime;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

/**
 * On demand only (not part of {@code mvn verify}): {@code mvn -B -ntp -pl activation-service verify
 * -Pbenchmark}. Measures, on the real broker, PostgreSQL and Redis of the test JVM and a local
 * webhook receiver: latency from a segment entry produced to Kafka to the webhook request received
 * (p50/p99), and deliveries per second for a burst of segment entries.
 */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTest
class ActivationBenchmark extends ActivationTestBase {
  private static final int LATENCY_SAMPLES = Integer.getInteger("bench.latency", 300);
  private static final int BURST = Integer.getInteger("bench.burst", 5000);
  private static final int INTAKE = Integer.getInteger("bench.intake", 20000);
  private static final int INTAKE_WARMUPS = Integer.getInteger("bench.intake.warmups", 1);
  // events/s; 0 = all at once
  private static final int INTAKE_RATE = Integer.getInteger("bench.intake.rate", 0);
  // the whole-platform benchmark's load: produced through a producer set like identity-service's
  // (lz4, linger 5 ms), one event in 100 a new user entering a segment whose campaign sends a
  // webhook
  private static final boolean PLATFORM =
      Boolean.parseBoolean(System.getProperty("bench.intake.platform", "false"));
  private static final int IDLE_SECONDS = Integer.getInteger("bench.idle.seconds", 5);

  @Inject Pool pool;

  @Test
  void segmentEntryToWebhookLatencyAndThroughput() throws Exception {
    String loadAtStart = loadAverage();
    Receiver.Endpoint hook = Receiver.endpoint(200);
    String destination =
        createDestination("WEBHOOK", Map.of("url", hook.url, "maxConcurrency", 32), "bench-secret");
    String segment = unique("bench");
    String campaign =
        createCampaign(
            campaign(
                segmentEntered(segment),
                List.of(send(destination, null, "Hi {traits.firstName ?: 'there'}"))));

    List<String> latencyProfiles = profiles("lat", LATENCY_SAMPLES);
    List<String> burstProfiles = profiles("burst", BURST);

    // warm-up
    for (int i = 0; i < 50; i++) {
      enter(latencyProfiles.get(i), segment);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> hook.count() >= 50);

    // latency: one entry every 20 ms
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    int before = hook.count();
    for (int i = 50; i < LATENCY_SAMPLES; i++) {
      String p = latencyProfiles.get(i);
      sentAt.put(p, System.nanoTime());
      enter(p, segment);
      Thread.sleep(20);
    }
    int expected = before + LATENCY_SAMPLES - 50;
    await().atMost(Duration.ofSeconds(120)).until(() -> hook.count() >= expected);
    List<Long> latencies = new ArrayList<>();
    for (Receiver.Request r : hook.received) {
      for (var e : sentAt.entrySet()) {
        if (r.body().contains("\"profileId\":\"" + e.getKey() + "\"")) {
          latencies.add(r.nanos() - e.getValue());
        }
      }
    }
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();

    // throughput: a burst of entries produced as fast as possible
    int startCount = hook.count();
    long burstStart = System.nanoTime();
    for (String p : burstProfiles) {
      enter(p, segment);
    }
    Kafka.producer().flush();
    long produced = System.nanoTime();
    await()
        .atMost(Duration.ofSeconds(600))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> hook.count() >= startCount + BURST);
    long done = System.nanoTime();
    double seconds = (done - burstStart) / 1e9;

    long duplicates =
        hook.count()
            - hook.received.stream().map(r -> r.header("Idempotency-Key")).distinct().count();
    StringBuilder retried = new StringBuilder();
    for (var row :
        pool.preparedQuery(
                "select attempts, coalesce(detail, '-') as detail, count(*) as n from act_delivery"
                    + " where workspace_id = $1 and campaign_id = $2 group by attempts, detail"
                    + " order by attempts")
            .executeAndAwait(Tuple.of(WS, campaign))) {
      retried.append(
          String.format(
              " [attempts %d, %s: %d]",
              row.getInteger("attempts"), row.getString("detail"), row.getLong("n")));
    }
    String report =
        String.format(
            "%n=== activation benchmark (mvn -B -ntp -pl activation-service -am verify -Pbenchmark"
                + " -Dtest=ActivationBenchmark -Dsurefire.failIfNoSpecifiedTests=false) ===%n"
                + "latency segment entry -> webhook received, %d samples: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n"
                + "burst of %d segment entries: produced in %.2f s, all webhooks received after %.2f s"
                + " -> %.0f deliveries/s%n"
                + "requests received twice (same Idempotency-Key): %d; rows by attempts and detail so far:%s%n"
                + "host: %d cores; load average (1/5/15 min) at start %s, at end %s"
                + " (other processes share the cores: compare runs only at similar load)%n",
            sorted.length,
            percentile(sorted, 50),
            percentile(sorted, 99),
            sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6,
            BURST,
            (produced - burstStart) / 1e9,
            seconds,
            BURST / seconds,
            duplicates,
            retried,
            Runtime.getRuntime().availableProcessors(),
            loadAtStart,
            loadAverage());
    Log.info(report);
    java.nio.file.Files.writeString(java.nio.file.Path.of("target", "benchmark.txt"), report);
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> deliveries.stats(WS, campaign).get("delivered") >= LATENCY_SAMPLES + BURST);
  }

  /**
   * Intake: what every platform event costs here although few lead to a delivery. N resolved events
   * and the profile changes among them that touched a trait or identifiers (shapes of {@link
   * IntakeLoad}, 1 % start a stored journey, 1 % end one) produced to the broker; measured from the
   * first record produced until the service's committed offsets reach the end of both topics.
   * Prints CPU per input of this JVM's service threads (load generator and observer threads left
   * out; GC and JIT included) and of PostgreSQL, and PostgreSQL transactions and row operations per
   * input (pg_stat_database; a statement outside a transaction block is one transaction).
   */
  @Test
  void intakeCpuPerInput() throws Exception {
    String loadAtStart = loadAverage();
    Receiver.Endpoint hook = Receiver.endpoint(200);
    String destination = createDestination("WEBHOOK", Map.of("url", hook.url), "bench-secret");
    Map<String, Object> definition =
        campaign(
            Map.of("type", "EVENT", "event", IntakeLoad.TRIGGER),
            List.of(
                Map.of("type", "WAIT", "duration", "PT1H"),
                send(destination, null, "Hi {traits.firstName ?: 'there'}")));
    definition.put("exitOn", List.of(IntakeLoad.EXIT));
    createCampaign(definition);
    String entrySegment = null;
    if (PLATFORM) {
      entrySegment = unique("bench");
      createCampaign(
          campaign(
              segmentEntered(entrySegment),
              List.of(send(destination, null, "Hi {traits.firstName ?: 'there'}"))));
    }

    // warm-up: the same shapes and size, bench.intake.warmups times (the JIT settles down)
    for (int round = 0; round < INTAKE_WARMUPS; round++) {
      produceAndDrain(IntakeLoad.pairs(WS, "warm" + round, INTAKE, 10, 100, entrySegment), hook);
    }
    IntakeReading idleStart = IntakeReading.now(pool);
    Map<String, CpuTime.ThreadTime> idleTasksStart = CpuTime.tasks();
    Thread.sleep(IDLE_SECONDS * 1000L);
    Map<String, CpuTime.ThreadTime> idleTasksEnd = CpuTime.tasks();
    IntakeReading idleEnd = IntakeReading.now(pool);

    List<ProducerRecord<String, String>> inputs =
        IntakeLoad.pairs(WS, "intake", INTAKE, 10, 100, entrySegment);
    IntakeReading start = IntakeReading.now(pool);
    Map<String, CpuTime.ThreadTime> tasksStart = CpuTime.tasks();
    produceAndDrain(inputs, hook);
    Map<String, CpuTime.ThreadTime> tasksEnd = CpuTime.tasks();
    IntakeReading end = IntakeReading.now(pool);
    double idleSeconds = (idleEnd.wallNanos() - idleStart.wallNanos()) / 1e9;
    String report =
        String.format(
            "%n=== activation intake benchmark (mvn -B -ntp -pl activation-service -am verify"
                + " -Pbenchmark -Dtest=ActivationBenchmark#intakeCpuPerInput"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Dbench.intake=%d"
                + " -Dbench.intake.warmups=%d -Dbench.intake.rate=%d -Dbench.intake.platform=%s) ===%n"
                + "%d inputs (%d cdp.events.resolved + %d cdp.profiles.changed: only trait/identifier"
                + " changes, 10 events per profile; %d segment entries -> webhook), %s,"
                + " consumed in %.1f s%n"
                + "%s"
                + "service threads by name (kernel names, digits folded), ms CPU per event:%n%s"
                + "idle background (journey ticker, delivery poller, caches) per second: %s;"
                + " over the %.1f s of the measurement that is %s per input%n"
                + "idle threads by name, ms CPU per second (over %.1f s):%n%s"
                + "host: %d cores; load average (1/5/15 min) at start %s, at end %s"
                + " (CPU per input does not depend on the load; throughput would)%n",
            INTAKE,
            INTAKE_WARMUPS,
            INTAKE_RATE,
            PLATFORM,
            inputs.size(),
            INTAKE,
            inputs.stream().filter(r -> r.topic().equals(Topics.PROFILES_CHANGED)).count(),
            inputs.stream().filter(r -> r.topic().equals(Topics.SEGMENTS_MEMBERSHIP)).count(),
            (INTAKE_RATE > 0 ? "produced at " + INTAKE_RATE + " events/s" : "produced at once")
                + (PLATFORM ? ", lz4, linger 5 ms" : ", uncompressed"),
            (end.wallNanos() - start.wallNanos()) / 1e9,
            end.since(start).perInput(inputs.size()),
            ThreadsByName.table(tasksStart, tasksEnd, INTAKE),
            idleEnd.since(idleStart).perSecond(),
            (end.wallNanos() - start.wallNanos()) / 1e9,
            idleEnd
                .since(idleStart)
                .scaledPerInput((end.wallNanos() - start.wallNanos()) / 1e9, inputs.size()),
            idleSeconds,
            ThreadsByName.table(idleTasksStart, idleTasksEnd, idleSeconds),
            Runtime.getRuntime().availableProcessors(),
            loadAtStart,
            loadAverage());
    Log.info(report);
    java.nio.file.Files.writeString(
        java.nio.file.Path.of("target", "benchmark-intake.txt"), report);
  }

  /**
   * Produces the records (at {@code bench.intake.rate} events/s when set), then waits until the
   * service committed the end of the input topics and the webhook received one request per entry.
   */
  private void produceAndDrain(List<ProducerRecord<String, String>> records, Receiver.Endpoint hook)
      throws Exception {
    int hooksBefore = hook.count();
    if (PLATFORM || INTAKE_RATE > 0) {
      Kafka.platformProducer(PLATFORM).pace(records, INTAKE_RATE);
    } else {
      for (ProducerRecord<String, String> r : records) {
        Kafka.producer().send(r);
      }
      Kafka.producer().flush();
    }
    String group =
        ConfigProvider.getConfig()
            .getValue("mp.messaging.incoming.events-resolved.group.id", String.class);
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class)))) {
      await()
          .atMost(Duration.ofSeconds(900))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> lag(admin, group) == 0);
    }
    long entries =
        records.stream().filter(r -> r.topic().equals(Topics.SEGMENTS_MEMBERSHIP)).count();
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> hook.count() >= hooksBefore + entries);
  }

  private static long lag(Admin admin, String group) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    Map<TopicPartition, OffsetSpec> ends = new java.util.HashMap<>();
    for (String topic :
        List.of(Topics.EVENTS_RESOLVED, Topics.PROFILES_CHANGED, Topics.SEGMENTS_MEMBERSHIP)) {
      admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get()
          .get(topic)
          .partitions()
          .forEach(p -> ends.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    }
    long lag = 0;
    for (var end : admin.listOffsets(ends).all().get().entrySet()) {
      OffsetAndMetadata at = committed.get(end.getKey());
      lag += end.getValue().offset() - (at == null ? 0 : at.offset());
    }
    return lag;
  }

  /** The 1, 5 and 15 minute load averages, as {@code uptime} prints them (Linux). */
  private static String loadAverage() {
    try {
      String[] parts =
          java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private static double percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1e6;
  }

  private static void enter(String profile, String segment) {
    Kafka.producer()
        .send(
            new ProducerRecord<>(
                Topics.SEGMENTS_MEMBERSHIP,
                WS + ":" + profile,
                write(
                    new SegmentMembershipChanged(
                        UUID.randomUUID().toString(),
                        WS,
                        profile,
                        segment,
                        "bench",
                        1,
                        SegmentMembershipChanged.Kind.ENTERED,
                        "bench",
                        Instant.now()))));
  }

  private List<String> profiles(String prefix, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String p = prefix + "-" + UUID.randomUUID();
      ids.add(p);
      Kafka.producer()
          .send(
              new ProducerRecord<>(
                  Topics.PROFILES_CHANGED,
                  WS + ":" + p,
                  write(
                      new ProfileChanged(
                          WS,
                          p,
                          1,
                          List.of("traits"),
                          Map.of("firstName", "Bench"),
                          Map.of(),
                          Map.of("marketing", true),
                          List.of(),
                          null,
                          Instant.now(),
                          false))));
    }
    Kafka.producer().flush();
    await()
        .atMost(Duration.ofSeconds(300))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                pool.preparedQuery(
                            "select count(*) as n from act_profile where workspace_id = $1 and profile_id = any($2)")
                        .executeAndAwait(Tuple.of(WS, ids.toArray(new String[0])))
                        .iterator()
                        .next()
                        .getLong("n")
                    == n);
    return ids;
  }

  private static String write(Object value) {
    try {
      return Kafka.JSON.writeValueAsString(value);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
