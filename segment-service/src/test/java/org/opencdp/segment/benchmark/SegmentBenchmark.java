package org.opencdp.segment.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.ChannelRegistry;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.segment.config.Contexts;
import org.opencdp.segment.definition.SegmentService;
import org.opencdp.segment.evaluation.ProfileEvaluator;
import org.opencdp.segment.job.JobEntity;
import org.opencdp.segment.job.JobRepository;
import org.opencdp.segment.job.JobRunner;
import org.opencdp.segment.membership.MembershipCache;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;

/**
 * On-demand benchmark (not part of {@code mvn verify}): {@code mvn -B -ntp -pl segment-service
 * verify -Pbenchmark [-Dbench.profiles=1000000]}. Creates 100 segments (every condition kind), bulk
 * loads profile snapshots with traits, computed traits, consent and event occurrences into
 * PostgreSQL, then measures:
 *
 * <ol>
 *   <li>full evaluation of the 100 segments over every profile (the rebuild job, which also fills
 *       Redis and the timers): profiles/s;
 *   <li>backfill of one new segment over every profile (the job a segment create starts):
 *       profiles/s;
 *   <li>is-member checks against Redis through the service's membership cache: checks/s and latency
 *       percentiles with {@code bench.concurrency} checks in flight;
 *   <li>re-evaluation of one profile change (lock, dependency-selected segments, write, history,
 *       Redis): latency percentiles, sequential;
 *   <li>real-time inputs through Kafka ({@link KafkaInputsPhase}): inputs applied/s and CPU per
 *       input of this JVM, PostgreSQL and Redis ({@code -Dbench.kafka-inputs}, default 50,000, over
 *       {@code -Dbench.kafka-profiles}, default 10,000; {@code -Dbench.kafka-only=true} skips 2-4).
 * </ol>
 *
 * Results are printed and appended to {@code target/benchmark-results.txt}.
 */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(BenchmarkRedisResource.class)
@QuarkusTest
class SegmentBenchmark {
  private static final String WS = "bench";
  private static final int PROFILES = Integer.getInteger("bench.profiles", 1_000_000);
  private static final int CHECKS = Integer.getInteger("bench.checks", 300_000);
  private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 64);
  private static final int CHANGES = Integer.getInteger("bench.changes", 5_000);
  private static final int KAFKA_INPUTS = Integer.getInteger("bench.kafka-inputs", 50_000);
  private static final int KAFKA_PROFILES = Integer.getInteger("bench.kafka-profiles", 10_000);
  private static final boolean KAFKA_ONLY = Boolean.getBoolean("bench.kafka-only");

  /**
   * The whole-platform benchmark's load instead of pages and orders: every event a {@code Bench
   * Load} track event (sku/price/currency) that no segment reads, every loaded profile holding
   * {@code max-occurrences} (100) of them already, so each event input updates a full row.
   */
  static final boolean BENCH_LOAD = Boolean.getBoolean("bench.bench-load");

  static final String BENCH_LOAD_EVENT = "Bench Load";

  /** false skips the full evaluation of the 100 segments (is-member then uses the probe). */
  private static final boolean FULL =
      Boolean.parseBoolean(System.getProperty("bench.full", "true"));

  private static final String[] PLANS = {"free", "pro", "team", "enterprise"};
  private static final String[] COUNTRIES = {
    "FR", "DE", "US", "GB", "ES", "IT", "NL", "BE", "SE", "PL"
  };

  @Inject SegmentService segments;
  @Inject JobRunner runner;
  @Inject JobRepository jobs;
  @Inject MembershipCache cache;
  @Inject ProfileEvaluator evaluator;
  @Inject Contexts contexts;
  @Inject Pool pool;
  @Inject ObjectMapper json;
  @Inject MeterRegistry registry;
  @Inject ChannelRegistry channels;

  private final List<String> report = new ArrayList<>();

  @Test
  void benchmark() throws Exception {
    line(
        "segment-service benchmark %s, %d profiles, %d cores, max heap %d MB",
        LocalDateTime.now(),
        PROFILES,
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    List<String> conditions = conditions();
    for (int i = 0; i < conditions.size(); i++) {
      String id = String.format(Locale.ROOT, "s%03d", i);
      var condition = json.readTree(conditions.get(i));
      var written =
          contexts
              .run(() -> segments.create(WS, id, "Segment " + id, null, condition))
              .await()
              .atMost(Duration.ofMinutes(1));
      awaitJob(written.job().id);
    }
    line("created %d active segments", conditions.size());

    long t0 = System.nanoTime();
    load();
    double loadSeconds = (System.nanoTime() - t0) / 1e9;
    line(
        "loaded %d profile snapshots into PostgreSQL in %.1f s (%.0f rows/s)",
        PROFILES, loadSeconds, PROFILES / loadSeconds);

    // 1. full evaluation of 100 segments (rebuild job)
    if (FULL) {
      fullEvaluation(conditions.size());
    }
    // 2.-4. backfill of one new segment, is-member checks, profile changes
    if (!KAFKA_ONLY) {
      backfillAndChecks();
    }

    // 5. real-time inputs through Kafka
    if (KAFKA_INPUTS > 0) {
      KafkaInputsPhase kafka =
          new KafkaInputsPhase(
              WS,
              ConfigProvider.getConfig(),
              channels,
              pool,
              json,
              registry,
              text -> line("%s", text));
      int profiles = Math.min(KAFKA_PROFILES, PROFILES);
      kafka.run(Math.max(2, KAFKA_INPUTS / 10), profiles, false); // warm-up
      kafka.run(KAFKA_INPUTS, profiles, true);
    }

    Path out = Path.of("target", "benchmark-results.txt");
    Files.writeString(
        out,
        String.join(System.lineSeparator(), report)
            + System.lineSeparator()
            + System.lineSeparator(),
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  private void fullEvaluation(int segmentCount) throws Exception {
    JobEntity rebuild = runner.newJob(WS, JobEntity.Kind.REBUILD, null, 0);
    contexts.run(() -> Panache.withTransaction(() -> jobs.persist(rebuild))).await().indefinitely();
    long t1 = System.nanoTime();
    runner.launch(rebuild.id);
    JobEntity done = awaitJob(rebuild.id);
    double fullSeconds = (System.nanoTime() - t1) / 1e9;
    line(
        "full evaluation, 100 segments x %d profiles (rebuild job): %.1f s, %.0f profiles/s, %.0f segment evaluations/s, %d entries made",
        done.processed,
        fullSeconds,
        done.processed / fullSeconds,
        done.processed * 100 / fullSeconds,
        done.entered);
    long members = 0;
    for (int i = 0; i < segmentCount; i++) {
      members += cache.count(WS, String.format(Locale.ROOT, "s%03d", i)).await().indefinitely();
    }
    line(
        "memberships in Redis: %d (%.2f segments per profile)",
        members, members / (double) PROFILES);
  }

  private void backfillAndChecks() throws Exception {
    var probe =
        json.readTree(
            "{\"all\":[{\"trait\":\"plan\",\"op\":\"equals\",\"value\":\"pro\"},{\"computed\":\"orders_30d\",\"op\":\"gte\",\"value\":5}]}");
    long t2 = System.nanoTime();
    var created =
        contexts
            .run(() -> segments.create(WS, "backfill-probe", "Backfill probe", null, probe))
            .await()
            .indefinitely();
    JobEntity backfill = awaitJob(created.job().id);
    double backfillSeconds = (System.nanoTime() - t2) / 1e9;
    line(
        "backfill of one new segment over %d profiles: %.1f s, %.0f profiles/s, %d entered",
        backfill.processed,
        backfillSeconds,
        backfill.processed / backfillSeconds,
        backfill.entered);

    // 3. is-member checks
    isMember(CHECKS / 10, CONCURRENCY); // warm-up
    isMember(CHECKS, CONCURRENCY);
    isMember(CHECKS, 8);

    // 4. re-evaluation per profile change
    profileChanges(CHANGES / 5, false); // warm-up
    profileChanges(CHANGES, true);
  }

  private void isMember(int checks, int concurrency) {
    ConcurrentLinkedQueue<long[]> latencies = new ConcurrentLinkedQueue<>();
    long start = System.nanoTime();
    long hits =
        Multi.createFrom()
            .range(0, checks)
            .onItem()
            .transformToUni(
                i -> {
                  ThreadLocalRandom r = ThreadLocalRandom.current();
                  String segment =
                      FULL ? String.format(Locale.ROOT, "s%03d", r.nextInt(100)) : "backfill-probe";
                  String profile = "p" + r.nextInt(PROFILES);
                  long t = System.nanoTime();
                  return cache
                      .isMember(WS, segment, profile)
                      .invoke(m -> latencies.add(new long[] {System.nanoTime() - t}));
                })
            .merge(concurrency)
            .filter(Boolean::booleanValue)
            .collect()
            .with(java.util.stream.Collectors.counting())
            .await()
            .indefinitely();
    double seconds = (System.nanoTime() - start) / 1e9;
    long[] sorted = latencies.stream().mapToLong(l -> l[0]).sorted().toArray();
    line(
        "is-member (Redis SISMEMBER via MembershipCache, %d in flight): %d checks in %.1f s = %.0f checks/s; p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d members found)",
        concurrency,
        checks,
        seconds,
        checks / seconds,
        pct(sorted, 0.50),
        pct(sorted, 0.99),
        sorted[sorted.length - 1] / 1e6,
        hits);
  }

  private void profileChanges(int changes, boolean record) {
    Random random = new Random(7);
    long[] latencies = new long[changes];
    double evaluationsBefore = evaluations();
    long start = System.nanoTime();
    for (int i = 0; i < changes; i++) {
      int n = random.nextInt(PROFILES);
      Map<String, Object> traits = traits(n, new Random(n));
      traits.put("plan", PLANS[random.nextInt(PLANS.length)]);
      ProfileChanged change =
          new ProfileChanged(
              WS,
              "p" + n,
              1000L + (record ? CHANGES : 0) + i,
              List.of("traits.plan"),
              traits,
              computed(new Random(n)),
              consent(new Random(n)),
              List.of(),
              null,
              Instant.now(),
              false);
      long t = System.nanoTime();
      contexts.run(() -> evaluator.onProfileChanged(change)).await().atMost(Duration.ofSeconds(30));
      latencies[i] = System.nanoTime() - t;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (!record) {
      return;
    }
    Arrays.sort(latencies);
    line(
        "re-evaluation per profile change (traits.plan changed; lock, %.1f dependent segments on average, write, history, Redis; sequential): %d changes in %.1f s; p50 %.2f ms, p99 %.2f ms, max %.2f ms",
        (evaluations() - evaluationsBefore) / changes,
        changes,
        seconds,
        pct(latencies, 0.5),
        pct(latencies, 0.99),
        latencies[latencies.length - 1] / 1e6);
  }

  private double evaluations() {
    var c = registry.find("segment.evaluations").tag("trigger", "realtime").counter();
    return c == null ? 0 : c.count();
  }

  private static double pct(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
  }

  private JobEntity awaitJob(String id) throws InterruptedException {
    while (true) {
      JobEntity job =
          contexts.run(() -> Panache.withSession(() -> jobs.findById(id))).await().indefinitely();
      if (job.status == JobEntity.Status.SUCCEEDED) {
        return job;
      }
      if (job.status == JobEntity.Status.FAILED) {
        throw new IllegalStateException("job failed: " + job.error);
      }
      Thread.sleep(200);
    }
  }

  // ---- data --------------------------------------------------------------------------------

  /** 100 segments over every condition kind, each selective enough to keep Redis in bounds. */
  static List<String> conditions() {
    List<String> list = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String plan = PLANS[i % PLANS.length];
      String country = COUNTRIES[i % COUNTRIES.length];
      String c =
          switch (i % 10) {
            case 0 -> all(eq("plan", plan), eq("country", country));
            case 1 ->
                all(
                    in("country", country, COUNTRIES[(i + 1) % 10]),
                    num("age", "gte", 60 + i % 10));
            case 2 -> all(num("age", "gte", 20 + i % 40), num("age", "lt", 22 + i % 40));
            case 3 ->
                all(
                    eq("plan", plan),
                    "{\"trait\":\"last_login\",\"op\":\"within_last_days\",\"days\":"
                        + (1 + i % 5)
                        + "}");
            case 4 -> "{\"computed\":\"orders_30d\",\"op\":\"gte\",\"value\":" + (8 + i % 3) + "}";
            case 5 ->
                "{\"event\":\"Order Completed\",\"where\":[{\"property\":\"total\",\"op\":\"gte\",\"value\":"
                    + (150 + i)
                    + "}],\"atLeast\":2,\"withinLastDays\":"
                    + (20 + i % 10)
                    + "}";
            case 6 ->
                all(
                    eq("country", country),
                    "{\"event\":\"Order Completed\",\"performed\":false,\"withinLastDays\":"
                        + (10 + i % 20)
                        + "}");
            case 7 ->
                all(
                    "{\"consent\":\"email\"}",
                    eq("plan", plan),
                    "{\"trait\":\"tags\",\"op\":\"contains\",\"value\":\"vip\"}");
            case 8 ->
                "{\"any\":["
                    + all(eq("country", country), num("ltv", "gt", 900))
                    + ","
                    + all(eq("plan", plan), num("age", "lt", 19))
                    + "]}";
            default ->
                all(
                    "{\"segment\":\"" + String.format(Locale.ROOT, "s%03d", i - 9) + "\"}",
                    "{\"not\":{\"consent\":\"sms\"}}");
          };
      list.add(c);
    }
    return list;
  }

  private static String all(String... parts) {
    return "{\"all\":[" + String.join(",", parts) + "]}";
  }

  private static String eq(String trait, String value) {
    return "{\"trait\":\"" + trait + "\",\"op\":\"equals\",\"value\":\"" + value + "\"}";
  }

  private static String in(String trait, String a, String b) {
    return "{\"trait\":\"" + trait + "\",\"op\":\"in\",\"values\":[\"" + a + "\",\"" + b + "\"]}";
  }

  private static String num(String trait, String op, int value) {
    return "{\"trait\":\"" + trait + "\",\"op\":\"" + op + "\",\"value\":" + value + "}";
  }

  static Map<String, Object> traits(int n, Random r) {
    Map<String, Object> traits = new LinkedHashMap<>();
    traits.put("plan", PLANS[r.nextInt(PLANS.length)]);
    traits.put("country", COUNTRIES[r.nextInt(COUNTRIES.length)]);
    traits.put("age", 18 + r.nextInt(62));
    traits.put("ltv", r.nextInt(1000));
    traits.put("last_login", Instant.now().minus(Duration.ofHours(r.nextInt(60 * 24))).toString());
    traits.put("tags", r.nextInt(20) == 0 ? List.of("vip") : List.of("std"));
    traits.put("email", "user" + n + "@example.com");
    return traits;
  }

  static Map<String, Object> computed(Random r) {
    return Map.of("orders_30d", r.nextInt(11));
  }

  static Map<String, Boolean> consent(Random r) {
    return Map.of("email", r.nextBoolean(), "sms", r.nextInt(4) == 0);
  }

  static Map<String, Object> benchLoadProperties() {
    return Map.of("sku", "sku-42", "price", 9.99, "currency", "EUR");
  }

  private void load() {
    int batch = 1000;
    Multi.createFrom()
        .range(0, (PROFILES + batch - 1) / batch)
        .onItem()
        .transformToUni(b -> insert(b * batch, Math.min(PROFILES, (b + 1) * batch)))
        .merge(4)
        .collect()
        .last()
        .await()
        .indefinitely();
  }

  private Uni<Void> insert(int from, int to) {
    List<Tuple> rows = new ArrayList<>(to - from);
    long now = System.currentTimeMillis();
    try {
      for (int n = from; n < to; n++) {
        Random r = new Random(n);
        Map<String, Object> snapshot = new LinkedHashMap<>();
        snapshot.put("traits", traits(n, r));
        snapshot.put("computed", computed(r));
        snapshot.put("consent", consent(r));
        List<List<Object>> orders = new ArrayList<>();
        for (int k = r.nextInt(4); k > 0; k--) {
          orders.add(
              List.of(
                  "o" + n + "-" + k,
                  now - r.nextInt(40) * 86_400_000L,
                  Map.of("total", r.nextInt(300))));
        }
        Map<String, Object> events = new LinkedHashMap<>();
        if (BENCH_LOAD) {
          List<List<Object>> loads = new ArrayList<>();
          for (int k = 0; k < 100; k++) {
            loads.add(
                List.of("load-" + n + "-" + k, now - (100 - k) * 60_000L, benchLoadProperties()));
          }
          events.put(BENCH_LOAD_EVENT, loads);
        }
        if (!orders.isEmpty()) {
          events.put("Order Completed", orders);
        }
        rows.add(
            Tuple.tuple()
                .addString(WS + ":p" + n)
                .addString(WS)
                .addString("p" + n)
                .addLong(1L)
                .addBoolean(false)
                .addString(json.writeValueAsString(snapshot))
                .addString(json.writeValueAsString(events))
                .addString("")
                .addOffsetDateTime(java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC)));
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return pool.preparedQuery(
            "insert into profile_state (key, workspaceId, profileId, version, deleted, snapshot, events, segments, updatedAt)"
                + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .executeBatch(rows)
        .replaceWithVoid();
  }

  private void line(String format, Object... args) {
    String text = String.format(Locale.ROOT, format, args);
    report.add(text);
    System.out.println(text);
  }
}
