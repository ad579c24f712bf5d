package org.opencdp.identity.benchmark;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.identity.service.DuplicatedContexts;
import org.opencdp.identity.service.resolution.FastPathResolver;
import org.opencdp.identity.service.resolution.IdentityResolver;
import org.opencdp.identity.service.resolution.Resolution;
import org.opencdp.identity.service.resolution.TypeRule;
import org.opencdp.identity.store.IdentifierRepository;
import org.opencdp.identity.support.Events;
import org.opencdp.identity.support.Graph;
import org.opencdp.identity.support.KafkaTestClient;
import org.opencdp.identity.support.TopicsResource;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;

/**
 * On-demand benchmark (not part of {@code mvn verify}): {@code mvn -B -ntp -pl identity-service
 * verify -Pbenchmark}. Loads 1,000,000 identifiers (250,000 known profiles with a user id, an email
 * and two anonymous ids), then measures:
 *
 * <ol>
 *   <li>resolutions/s and latency percentiles of the resolver against PostgreSQL for a mix of 70%
 *       known visitors, 25% new anonymous visitors and 5% events that merge an anonymous profile
 *       into a known one, with {@code bench.concurrency} resolutions in flight;
 *   <li>the same mix end to end through Kafka (raw topic in, resolved topic out, two consumers);
 *   <li>the cost of one merge as a function of the size of the smaller and of the larger side.
 * </ol>
 *
 * Results are printed and written to {@code target/benchmark-results.txt}.
 */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(TopicsResource.class)
@TestProfile(BenchmarkProfile.class)
@QuarkusTest
class ResolutionBenchmark {
  private static final String WS = "bench";
  private static final int PROFILES = 250_000;
  private static final int EVENTS = Integer.getInteger("bench.events", 100_000);
  private static final int WARMUP = Integer.getInteger("bench.warmup", 20_000);
  private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 32);
  private static final int KAFKA_EVENTS = Integer.getInteger("bench.kafka-events", 50_000);
  private static final int KAFKA_WARMUP = Integer.getInteger("bench.kafka-warmup", 20_000);
  private static final int BATCH = Integer.getInteger("bench.batch", 500);
  private static final int BATCHES_IN_FLIGHT = Integer.getInteger("bench.batches-in-flight", 4);

  @Inject IdentityResolver resolver;
  @Inject FastPathResolver fastPath;
  @Inject DuplicatedContexts contexts;
  @Inject IdentifierRepository identifiers;
  @Inject Graph graph;

  private final AtomicLong anonymousSequence = new AtomicLong();
  private final ConcurrentLinkedQueue<String> anonymousPool = new ConcurrentLinkedQueue<>();
  private final List<String> report = new ArrayList<>();

  @Test
  void resolutionThroughputLatencyAndMergeCost() throws IOException {
    print("machine: %d cores, %s", Runtime.getRuntime().availableProcessors(), loadAverage());
    long loadStart = System.nanoTime();
    preload();
    print(
        "preloaded %,d identifiers (%,d profiles) in %.1f s",
        count("identity_identifier"), count("identity_profile"), seconds(loadStart));

    if (!Boolean.getBoolean("bench.skip-per-event")) {
      run("warm-up per event", WARMUP);
      run("resolver per event", EVENTS);
    }
    runBatched("warm-up batched", WARMUP);
    runBatched("resolver batched", EVENTS);
    kafkaEndToEnd("kafka warm-up", KAFKA_WARMUP);
    kafkaEndToEnd("kafka end to end", KAFKA_EVENTS);
    mergeCost();

    Path out = Path.of("target", "benchmark-results.txt");
    Files.write(out, report, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
  }

  /** Bulk load with set-based INSERT ... SELECT generate_series (server side, no round trips). */
  private void preload() {
    sql(
        "INSERT INTO identity_profile (id, workspace_id, status, merged_into, identifier_count,"
            + " created_at, updated_at) SELECT 'bp-' || g, 'bench', 'ACTIVE', NULL, 4,"
            + " now() - interval '1 day', now() FROM generate_series(1, "
            + PROFILES
            + ") g");
    sql(
        "INSERT INTO identity_identifier (workspace_id, type, value, profile_id,"
            + " origin_profile_id, event_key, created_at)"
            + " SELECT 'bench', t.type, t.prefix || g || t.suffix, 'bp-' || g, 'bp-' || g, NULL,"
            + " now() FROM generate_series(1, "
            + PROFILES
            + ") g CROSS JOIN (VALUES ('user_id', 'u-', ''), ('email', 'e', '@bench.io'),"
            + " ('anonymous_id', 'a1-', ''), ('anonymous_id', 'a2-', '')) AS t(type, prefix,"
            + " suffix)");
    sql("ANALYZE identity_identifier");
    sql("ANALYZE identity_profile");
  }

  /** 70% known, 25% new anonymous, 5% merging a fresh anonymous profile into a known one. */
  private EventEnvelope nextEvent() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int dice = random.nextInt(100);
    int person = 1 + random.nextInt(PROFILES);
    if (dice < 70) {
      return random.nextBoolean()
          ? Events.track(WS, "u-" + person, null)
          : Events.track(WS, null, "a" + (1 + random.nextInt(2)) + "-" + person);
    }
    if (dice < 95) {
      String anonymous = "n-" + anonymousSequence.incrementAndGet();
      anonymousPool.add(anonymous);
      return Events.track(WS, null, anonymous);
    }
    String anonymous = anonymousPool.poll();
    if (anonymous == null) {
      anonymous = "n-" + anonymousSequence.incrementAndGet();
    }
    return Events.identify(WS, "u-" + person, anonymous, null);
  }

  private void run(String label, int events) {
    List<EventEnvelope> batch = new ArrayList<>(events);
    for (int i = 0; i < events; i++) {
      batch.add(nextEvent());
    }
    long[] latencies = new long[events];
    AtomicLong index = new AtomicLong();
    AtomicLong merges = new AtomicLong();
    CpuMeter cpu = CpuMeter.start();
    long start = System.nanoTime();
    Multi.createFrom()
        .iterable(batch)
        .onItem()
        .transformToUni(
            event ->
                contexts.run(
                    () -> {
                      long t0 = System.nanoTime();
                      return resolver
                          .resolve(event)
                          .invoke(
                              resolution -> {
                                latencies[(int) index.getAndIncrement()] = System.nanoTime() - t0;
                                merges.addAndGet(resolution.changes().size());
                              });
                    }))
        .merge(CONCURRENCY)
        .collect()
        .last()
        .await()
        .atMost(Duration.ofMinutes(30));
    double elapsed = seconds(start);
    CpuMeter.Usage usage = cpu.stop();
    Arrays.sort(latencies);
    print(
        "%s: %,d events, concurrency %d: %,.0f resolutions/s, p50 %.2f ms, p99 %.2f ms, p99.9"
            + " %.2f ms, max %.2f ms, merges %,d",
        label,
        events,
        CONCURRENCY,
        events / elapsed,
        millis(latencies, 0.50),
        millis(latencies, 0.99),
        millis(latencies, 0.999),
        latencies[latencies.length - 1] / 1e6,
        merges.get());
    printCpu(label, events, elapsed, usage);
  }

  /**
   * The consumer's path: batches of {@code bench.batch} events (one Kafka poll), grouped by the raw
   * topic's key, {@code bench.batches-in-flight} batches at once (one per consumer); known and new
   * visitors at the head of each key's run go through {@link FastPathResolver} in one transaction,
   * the rest through {@link IdentityResolver}, in order per key. The latency of an event is from
   * the start of its batch to its resolution (results are published when the batch is done).
   */
  private void runBatched(String label, int events) {
    List<List<EventEnvelope>> batches = new ArrayList<>();
    for (int done = 0; done < events; done += BATCH) {
      List<EventEnvelope> batch = new ArrayList<>(BATCH);
      for (int i = done; i < Math.min(events, done + BATCH); i++) {
        batch.add(nextEvent());
      }
      batches.add(batch);
    }
    long[] latencies = new long[events];
    AtomicLong index = new AtomicLong();
    AtomicLong merges = new AtomicLong();
    AtomicLong fast = new AtomicLong();
    CpuMeter cpu = CpuMeter.start();
    long start = System.nanoTime();
    Multi.createFrom()
        .iterable(batches)
        .onItem()
        .transformToUni(
            batch -> {
              long t0 = System.nanoTime();
              List<List<EventEnvelope>> groups = byRawKey(batch);
              return contexts
                  .run(() -> fastPath.resolveLeading(groups))
                  .chain(
                      leading -> {
                        List<List<EventEnvelope>> rest = new ArrayList<>();
                        for (int g = 0; g < groups.size(); g++) {
                          for (Resolution resolution : leading.get(g)) {
                            latencies[(int) index.getAndIncrement()] = System.nanoTime() - t0;
                            fast.incrementAndGet();
                          }
                          List<EventEnvelope> group = groups.get(g);
                          if (leading.get(g).size() < group.size()) {
                            rest.add(group.subList(leading.get(g).size(), group.size()));
                          }
                        }
                        return Multi.createFrom()
                            .iterable(rest)
                            .onItem()
                            .transformToUni(
                                group ->
                                    contexts.run(
                                        () ->
                                            Multi.createFrom()
                                                .iterable(group)
                                                .onItem()
                                                .transformToUniAndConcatenate(resolver::resolve)
                                                .invoke(
                                                    resolution -> {
                                                      latencies[(int) index.getAndIncrement()] =
                                                          System.nanoTime() - t0;
                                                      merges.addAndGet(resolution.changes().size());
                                                    })
                                                .collect()
                                                .last()))
                            .merge(Math.max(1, CONCURRENCY / BATCHES_IN_FLIGHT))
                            .collect()
                            .last();
                      });
            })
        .merge(BATCHES_IN_FLIGHT)
        .collect()
        .last()
        .await()
        .atMost(Duration.ofMinutes(30));
    double elapsed = seconds(start);
    CpuMeter.Usage usage = cpu.stop();
    Arrays.sort(latencies);
    print(
        "%s: %,d events in batches of %d, %d batches in flight: %,.0f resolutions/s, event latency"
            + " (batch start to resolution) p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms,"
            + " merges %,d, fast path %.1f%%",
        label,
        events,
        BATCH,
        BATCHES_IN_FLIGHT,
        events / elapsed,
        millis(latencies, 0.50),
        millis(latencies, 0.99),
        millis(latencies, 0.999),
        latencies[latencies.length - 1] / 1e6,
        merges.get(),
        100.0 * fast.get() / events);
    printCpu(label, events, elapsed, usage);
  }

  /** Groups a batch by the raw topic's key, in order, as the consumer does. */
  private static List<List<EventEnvelope>> byRawKey(List<EventEnvelope> batch) {
    java.util.Map<String, List<EventEnvelope>> byKey = new java.util.LinkedHashMap<>();
    for (EventEnvelope event : batch) {
      byKey.computeIfAbsent(event.rawPartitionKey(), key -> new ArrayList<>()).add(event);
    }
    return new ArrayList<>(byKey.values());
  }

  private void printCpu(String label, int events, double elapsed, CpuMeter.Usage usage) {
    print(
        "%s: CPU per resolution: service JVM %.3f ms, PostgreSQL %.3f ms (wall %.1f s, service %.1f"
            + " CPU-s, PostgreSQL %.1f CPU-s, %s); two dedicated cores would allow about %,.0f"
            + " resolutions/s",
        label,
        usage.appSeconds() * 1000 / events,
        usage.postgresSeconds() * 1000 / events,
        elapsed,
        usage.appSeconds(),
        usage.postgresSeconds(),
        loadAverage(),
        2.0 * events / (usage.appSeconds() + usage.postgresSeconds()));
  }

  /** The machine's load average as uptime prints it (1, 5, 15 minutes): the noise indicator. */
  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return "load average " + fields[0] + ", " + fields[1] + ", " + fields[2];
    } catch (IOException | RuntimeException e) {
      return String.format(
          Locale.ROOT,
          "load average %.2f",
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  /**
   * Raw topic in, resolved topic out. The test JVM also runs the benchmark's producer and the
   * consumer that counts resolved records: the thread groups separate them from the service's.
   */
  private void kafkaEndToEnd(String label, int events) {
    if (events <= 0) {
      return;
    }
    KafkaTestClient kafka = KafkaTestClient.get();
    List<EventEnvelope> batch = new ArrayList<>(events);
    for (int i = 0; i < events; i++) {
      batch.add(nextEvent());
    }
    long before = kafka.countResolved(WS);
    CpuMeter cpu = CpuMeter.start();
    ThreadCpu threads = ThreadCpu.start();
    long start = System.nanoTime();
    kafka.sendAll(batch);
    double produced = seconds(start);
    org.awaitility.Awaitility.await()
        .pollInterval(Duration.ofMillis(200))
        .atMost(Duration.ofMinutes(20))
        .until(() -> kafka.countResolved(WS) - before >= events);
    double elapsed = seconds(start);
    print(
        "%s: %,d events produced in %.1f s, all resolved and published after %.1f s:"
            + " %,.0f events/s (%s)",
        label, events, produced, elapsed, events / elapsed, loadAverage());
    CpuMeter.Usage usage = cpu.stop();
    printCpu(label, events, elapsed, usage);
    java.util.Map<String, Long> groups = threads.stop();
    long benchmarkClient =
        groups.entrySet().stream()
            .filter(group -> isBenchmarkClient(group.getKey()))
            .mapToLong(java.util.Map.Entry::getValue)
            .sum();
    double serviceSeconds = usage.appSeconds() - benchmarkClient / 1e9;
    print(
        "%s: CPU per event: service %.3f ms (JVM minus the benchmark's producer and consumer threads"
            + " %.3f ms), PostgreSQL %.3f ms, Kafka broker %.3f ms; two dedicated cores for the"
            + " three would allow about %,.0f events/s",
        label,
        serviceSeconds * 1000 / events,
        benchmarkClient / 1e6 / events,
        usage.postgresSeconds() * 1000 / events,
        usage.brokerSeconds() * 1000 / events,
        2.0 * events / (serviceSeconds + usage.postgresSeconds() + usage.brokerSeconds()));
    groups.entrySet().stream()
        .limit(12)
        .forEach(
            group ->
                print(
                    "  %s, CPU by thread group: %-60s %7.2f CPU-s %7.3f ms/event",
                    label,
                    group.getKey(),
                    group.getValue() / 1e9,
                    group.getValue() / 1e6 / events));
  }

  /** Threads of the benchmark's own Kafka clients (KafkaTestClient) and of the test itself. */
  private static boolean isBenchmarkClient(String group) {
    return group.equals("main")
        || group.equals("identity-test-consumer")
        || group.startsWith("kafka-producer-network-thread | producer-")
        || group.contains("| identity-tests-");
  }

  /**
   * Merge cost: a profile of {@code small} anonymous ids merged into one of {@code large}; the
   * moved side is the smaller one, so the time follows {@code small}, not {@code large} or the 1M
   * identifiers of the graph.
   */
  private void mergeCost() {
    String ws = "bench-merge";
    graph.setRules(
        ws,
        List.of(
            new TypeRule("user_id", 1, 1, null), new TypeRule("anonymous_id", 90, 100_000, null)),
        10,
        List.of());
    int[][] cases = {
      {10, 200}, // warm-up, not reported
      {1, 2000},
      {10, 2000},
      {100, 2000},
      {1000, 2000},
      {10, 10},
      {10, 200},
      {10, 20000}
    };
    int rounds = Integer.getInteger("bench.merge-rounds", 11);
    java.util.Map<String, Double> medians = new java.util.HashMap<>();
    java.util.Map<String, Double> minimums = new java.util.HashMap<>();
    int id = 0;
    boolean warmUp = true;
    for (int[] sizes : cases) {
      int small = sizes[0];
      int large = sizes[1];
      long[] times = new long[rounds];
      for (int round = 0; round < rounds; round++) {
        id++;
        String largeProfile = "ml-" + id;
        String smallProfile = "ms-" + id;
        createProfile(ws, largeProfile, "u-" + id, large, 2);
        createProfile(ws, smallProfile, null, small, 1);
        EventEnvelope link = Events.identify(ws, "u-" + id, smallProfile + "-a-0", null);
        long t0 = System.nanoTime();
        var resolution = graph.resolve(link);
        times[round] = System.nanoTime() - t0;
        if (resolution.changes().size() != 1
            || !resolution.changes().get(0).mergedProfileId().equals(smallProfile)) {
          throw new IllegalStateException("benchmark merge did not move the smaller side");
        }
      }
      Arrays.sort(times);
      if (warmUp) {
        warmUp = false;
        continue;
      }
      print(
          "merge: smaller side %,5d identifiers, larger side %,6d: min %.2f ms, median %.2f ms"
              + " (%d merges)",
          small, large, times[0] / 1e6, times[rounds / 2] / 1e6, rounds);
      medians.put(small + "/" + large, times[rounds / 2] / 1e6);
      minimums.put(small + "/" + large, times[0] / 1e6);
    }
    print(
        "merge cost against the sides: smaller side x100 (10 -> 1,000, larger 2,000): min x%.1f,"
            + " median x%.1f; larger side x100 (200 -> 20,000, smaller 10): min x%.1f, median"
            + " x%.1f (%s)",
        minimums.get("1000/2000") / minimums.get("10/2000"),
        medians.get("1000/2000") / medians.get("10/2000"),
        minimums.get("10/20000") / minimums.get("10/200"),
        medians.get("10/20000") / medians.get("10/200"),
        loadAverage());
  }

  /** A profile with {@code anonymous} anonymous ids (and a user id when given). */
  private void createProfile(String ws, String profile, String userId, int anonymous, int days) {
    int total = anonymous + (userId == null ? 0 : 1);
    sql(
        "INSERT INTO identity_profile (id, workspace_id, status, merged_into, identifier_count,"
            + " created_at, updated_at) VALUES ('"
            + profile
            + "', '"
            + ws
            + "', 'ACTIVE', NULL, "
            + total
            + ", now() - interval '"
            + days
            + " day', now())");
    sql(
        "INSERT INTO identity_identifier (workspace_id, type, value, profile_id,"
            + " origin_profile_id, event_key, created_at) SELECT '"
            + ws
            + "', 'anonymous_id', '"
            + profile
            + "-a-' || g, '"
            + profile
            + "', '"
            + profile
            + "', NULL, now() FROM generate_series(0, "
            + (anonymous - 1)
            + ") g");
    if (userId != null) {
      sql(
          "INSERT INTO identity_identifier (workspace_id, type, value, profile_id,"
              + " origin_profile_id, event_key, created_at) VALUES ('"
              + ws
              + "', 'user_id', '"
              + userId
              + "', '"
              + profile
              + "', '"
              + profile
              + "', NULL, now())");
    }
  }

  private void sql(String statement) {
    contexts
        .run(
            () ->
                Panache.withTransaction(
                    () ->
                        identifiers
                            .getSession()
                            .chain(
                                session -> session.createNativeQuery(statement).executeUpdate())))
        .await()
        .atMost(Duration.ofMinutes(10));
  }

  private long count(String table) {
    return contexts
        .run(
            () ->
                Panache.withSession(
                    () ->
                        identifiers
                            .getSession()
                            .chain(
                                session ->
                                    session
                                        .<Number>createNativeQuery("SELECT count(*) FROM " + table)
                                        .getSingleResult())))
        .map(Number::longValue)
        .await()
        .atMost(Duration.ofMinutes(1));
  }

  private void print(String format, Object... args) {
    String line = String.format(Locale.ROOT, format, args);
    report.add(line);
    System.out.println("[benchmark] " + line);
  }

  private static double millis(long[] sorted, double quantile) {
    int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1e6;
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
