package org.opencdp.profile;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.mongodb.reactive.ReactiveMongoClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.Topics;
import org.opencdp.profile.config.Collections;
import org.opencdp.profile.profile.IdentifierExtractor;
import org.opencdp.profile.profile.KnownIdentifier;
import org.opencdp.profile.profile.Profile;
import org.opencdp.profile.profile.ProfileApplier;
import org.opencdp.profile.profile.ProfileDocuments;
import org.opencdp.testsupport.CpuTime;
import org.opencdp.testsupport.KafkaResource;

/**
 * On-demand benchmark, not part of {@code mvn verify} (its name does not end in Test). Run:
 *
 * <pre>
 * mvn -B -ntp -pl profile-service test -Dtest=ProfileBenchmark -Dbenchmark.profiles=1000000
 * </pre>
 *
 * Seeds profiles straight into the store (same document format as the service writes), measures
 * Profile API lookups by id and by identifier over HTTP (closed loop at full speed, then open loop
 * at a fixed rate, latency measured from the intended send time), then events applied per second
 * through the real Kafka consumer. Results go to the log and to target/benchmark.txt.
 */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(BenchmarkMongoResource.class)
@QuarkusTest
class ProfileBenchmark {
  private static final String WS = "ws-h";
  private static final int PROFILES = Integer.getInteger("benchmark.profiles", 100_000);
  private static final int SECONDS = Integer.getInteger("benchmark.seconds", 20);
  private static final int RATE = Integer.getInteger("benchmark.rate", 5_000);
  private static final int CONCURRENCY = Integer.getInteger("benchmark.concurrency", 16);
  private static final int EVENTS = Integer.getInteger("benchmark.events", 50_000);

  /** {@code -Dbenchmark.lookups=false} goes from seeding straight to the event phase. */
  private static final boolean LOOKUPS =
      Boolean.parseBoolean(System.getProperty("benchmark.lookups", "true"));

  private static final int WARMUP_EVENTS = Integer.getInteger("benchmark.warmup-events", 5_000);

  /**
   * {@code half-identify} (default): every other event an identify with a trait change. {@code
   * track}: only {@code Bench Load} track events with three scalar properties, the whole-platform
   * benchmark's load (docs/benchmarks.md).
   */
  private static final boolean ONLY_TRACK =
      "track".equals(System.getProperty("benchmark.event-mix", "half-identify"));

  private static final int SEED_THREADS =
      Integer.getInteger("benchmark.seed-clients", Runtime.getRuntime().availableProcessors());

  @Inject ProfileDocuments documents;
  @Inject IdentifierExtractor extractor;
  @Inject ReactiveMongoClient mongo;
  @Inject MeterRegistry metrics;
  @Inject Clock clock;

  @TestHTTPResource("/")
  URL base;

  private final StringBuilder report = new StringBuilder();

  @Test
  void benchmark() throws Exception {
    seed();
    HttpClient http =
        HttpClient.newBuilder().executor(Executors.newFixedThreadPool(CONCURRENCY)).build();
    if (LOOKUPS) {
      warmUp(http);
      closedLoop(http, "by id", i -> "/v1/profiles/" + profileId(i));
      closedLoop(http, "by identifier", i -> "/v1/profiles/email:" + email(i));
      openLoop(http, "by id", i -> "/v1/profiles/" + profileId(i));
      openLoop(http, "by identifier", i -> "/v1/profiles/email:" + email(i));
    }
    events();
    stages();
    line("load average at end %s", loadAverage());
    java.nio.file.Files.writeString(java.nio.file.Path.of("target", "benchmark.txt"), report);
    Log.info("\n" + report);
  }

  private static String profileId(int i) {
    return "bench-" + i;
  }

  private static String email(int i) {
    return "person" + i + "@bench.example";
  }

  private void line(String format, Object... args) {
    String text = String.format(format, args);
    report.append(text).append('\n');
    Log.info("BENCHMARK " + text);
    try {
      java.nio.file.Files.writeString(java.nio.file.Path.of("target", "benchmark.txt"), report);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void seed() throws Exception {
    if (BenchmarkMongoResource.externalUrl() == null) {
      line(
          "store: mongo-java-server %s (%s backend, same JVM, no oplog) -- NOT MongoDB",
          "1.47.0", BenchmarkMongoResource.backendName());
    } else {
      line("store: the MongoDB given by -D%s", BenchmarkMongoResource.URL_PROPERTY);
    }
    line(
        "machine: %d cores, load average at start %s",
        Runtime.getRuntime().availableProcessors(), loadAverage());
    long heapBefore = usedHeapAfterGc();
    long start = System.nanoTime();
    long cpuStart = processCpuNanos();
    int pageSize = 1000;
    int pages = (PROFILES + pageSize - 1) / pageSize;
    AtomicInteger nextPage = new AtomicInteger();
    java.util.concurrent.atomic.AtomicLong buildNanos =
        new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicLong storeNanos =
        new java.util.concurrent.atomic.AtomicLong();
    ExecutorService seeders = Executors.newFixedThreadPool(SEED_THREADS);
    List<java.util.concurrent.Future<?>> running = new ArrayList<>();
    for (int t = 0; t < SEED_THREADS; t++) {
      running.add(
          seeders.submit(
              () -> {
                for (int page = nextPage.getAndIncrement();
                    page < pages;
                    page = nextPage.getAndIncrement()) {
                  seedPage(
                      page * pageSize,
                      Math.min(PROFILES, (page + 1) * pageSize),
                      buildNanos,
                      storeNanos);
                  if ((page + 1) % 100 == 0) {
                    progress(
                        String.format(
                            "seeding: page %d of %d after %.1f s",
                            page + 1, pages, (System.nanoTime() - start) / 1e9));
                  }
                }
                return null;
              }));
    }
    for (var f : running) {
      f.get();
    }
    seeders.shutdown();
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuMs = (processCpuNanos() - cpuStart) / 1e6;
    line(
        "seeded %,d profiles (+%,d identifier index entries) in %.1f s with %d seeding clients:"
            + " %,.0f profiles/s; process CPU %.3f ms per profile; building documents (applier,"
            + " AES-GCM, HMAC) %.1f s, store round trips %.1f s (summed over clients)",
        PROFILES,
        PROFILES * 2,
        seconds,
        SEED_THREADS,
        PROFILES / seconds,
        cpuMs / PROFILES,
        buildNanos.get() / 1e9,
        storeNanos.get() / 1e9);
    long heapAfter = usedHeapAfterGc();
    line(
        "memory after seeding: heap used after GC %,d MiB (%,d MiB more than before seeding: the"
            + " in-process store and its indexes), process RSS %,d MiB",
        heapAfter >> 20, (heapAfter - heapBefore) >> 20, rssBytes() >> 20);
  }

  private void seedPage(
      int from,
      int to,
      java.util.concurrent.atomic.AtomicLong buildNanos,
      java.util.concurrent.atomic.AtomicLong storeNanos) {
    long started = System.nanoTime();
    var identifiers = mongo.getDatabase("cdp").getCollection(Collections.IDENTIFIERS);
    Instant now = clock.instant();
    var stored = mongo.getDatabase("cdp").getCollection(Collections.PROFILES);
    List<Document> page = new ArrayList<>(to - from);
    List<Document> ids = new ArrayList<>((to - from) * 2);
    for (int i = from; i < to; i++) {
      EventEnvelope identify =
          Events.identify(
              WS,
              profileId(i),
              "user-" + i,
              now,
              Map.of(
                  "email",
                  email(i),
                  "firstName",
                  "Person",
                  "plan",
                  i % 2 == 0 ? "pro" : "free",
                  "visits",
                  i));
      List<KnownIdentifier> known = extractor.of(identify);
      Profile p = new Profile(WS, profileId(i));
      ProfileApplier.apply(p, identify, identify.eventKey(), now, known, List.of(), now, false);
      Document doc = documents.toDocument(p, 1);
      // as the service leaves it once the outbox is carried out (audit, index entries, acknowledged
      // ProfileChanged): a settled profile document has no outbox
      doc.remove("outbox");
      page.add(doc);
      for (KnownIdentifier k : known) {
        ids.add(
            new Document("_id", k.hash())
                .append("workspaceId", WS)
                .append("profileId", profileId(i))
                .append("type", k.type())
                .append("value", documents.identifier(WS, k).getString("v")));
      }
    }
    long built = System.nanoTime();
    stored.insertMany(page).await().indefinitely();
    identifiers.insertMany(ids).await().indefinitely();
    buildNanos.addAndGet(built - started);
    storeNanos.addAndGet(System.nanoTime() - built);
  }

  /** Progress of a long phase, in its own file (test output is only flushed at the end). */
  private static void progress(String text) {
    Log.info("BENCHMARK " + text);
    try {
      java.nio.file.Files.writeString(
          java.nio.file.Path.of("target", "benchmark-progress.txt"), text + "\n");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static long usedHeapAfterGc() {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  private static long rssBytes() {
    try {
      for (String l :
          java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (l.startsWith("VmRSS:")) {
          return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (java.io.IOException e) {
      // not Linux
    }
    return -1;
  }

  /** CPU time of the whole JVM (service, in-process store, load generator), all threads. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private interface Path {
    String of(int i);
  }

  private HttpRequest request(String path) {
    return HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + path))
        .header("Authorization", "Bearer token-" + WS)
        .timeout(Duration.ofSeconds(10))
        .GET()
        .build();
  }

  private void closedLoop(HttpClient http, String label, Path path) throws Exception {
    ExecutorService workers = Executors.newFixedThreadPool(CONCURRENCY);
    long cpuStart = processCpuNanos();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
    List<long[]> perThread = new ArrayList<>();
    AtomicInteger errors = new AtomicInteger();
    List<java.util.concurrent.Future<long[]>> futures = new ArrayList<>();
    for (int t = 0; t < CONCURRENCY; t++) {
      futures.add(
          workers.submit(
              () -> {
                long[] lat = new long[1 << 20];
                int n = 0;
                while (System.nanoTime() < end && n < lat.length) {
                  int i = ThreadLocalRandom.current().nextInt(PROFILES);
                  long s = System.nanoTime();
                  HttpResponse<String> r =
                      http.send(request(path.of(i)), HttpResponse.BodyHandlers.ofString());
                  lat[n++] = System.nanoTime() - s;
                  if (r.statusCode() != 200) {
                    errors.incrementAndGet();
                  }
                }
                return Arrays.copyOf(lat, n);
              }));
    }
    for (var f : futures) {
      perThread.add(f.get());
    }
    workers.shutdown();
    long[] all = perThread.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    double cpuMs = (processCpuNanos() - cpuStart) / 1e6;
    line(
        "lookup %-13s closed loop, %d clients, %d s: %,.0f lookups/s, p50 %.2f ms, p99 %.2f ms,"
            + " errors %d, process CPU %.3f ms per lookup",
        label,
        CONCURRENCY,
        SECONDS,
        all.length / (double) SECONDS,
        pct(all, 0.50),
        pct(all, 0.99),
        errors.get(),
        cpuMs / Math.max(1, all.length));
  }

  private void warmUp(HttpClient http) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    int n = 0;
    int timedOut = 0;
    while (System.nanoTime() < end) {
      int i = ThreadLocalRandom.current().nextInt(PROFILES);
      try {
        http.send(
            request(
                n++ % 2 == 0 ? "/v1/profiles/" + profileId(i) : "/v1/profiles/email:" + email(i)),
            HttpResponse.BodyHandlers.ofString());
      } catch (java.net.http.HttpTimeoutException e) {
        timedOut++; // a starved machine; the measured phases count these as errors
      }
    }
    line("warm-up: %d lookups in 5 s (not counted, %d timed out)", n, timedOut);
  }

  private void openLoop(HttpClient http, String label, Path path) throws Exception {
    int total = RATE * SECONDS;
    long[] lat = new long[total];
    AtomicInteger errors = new AtomicInteger();
    List<CompletableFuture<?>> pending = new ArrayList<>(total);
    long cpuStart = processCpuNanos();
    long start = System.nanoTime();
    for (int n = 0; n < total; n++) {
      long intended = start + (long) (n * (1e9 / RATE));
      long wait = intended - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      int slot = n;
      int i = ThreadLocalRandom.current().nextInt(PROFILES);
      pending.add(
          http.sendAsync(request(path.of(i)), HttpResponse.BodyHandlers.ofString())
              .handle(
                  (r, e) -> {
                    lat[slot] = System.nanoTime() - intended; // from the intended send time
                    if (e != null || r.statusCode() != 200) {
                      errors.incrementAndGet();
                    }
                    return null;
                  }));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuMs = (processCpuNanos() - cpuStart) / 1e6;
    Arrays.sort(lat);
    line(
        "lookup %-13s open loop at %,d/s target, %d s: achieved %,.0f/s, p50 %.2f ms, p99 %.2f ms,"
            + " errors %d, process CPU %.3f ms per lookup",
        label,
        RATE,
        SECONDS,
        total / seconds,
        pct(lat, 0.50),
        pct(lat, 0.99),
        errors.get(),
        cpuMs / total);
  }

  private void events() throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrap(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                5),
            new StringSerializer(),
            new StringSerializer())) {
      if (WARMUP_EVENTS > 0) {
        // the apply path's first run also pays for class loading and JIT compilation
        double seconds = eventRound(producer, WARMUP_EVENTS, 0);
        line("events warm-up: %,d events applied in %.1f s (not counted)", WARMUP_EVENTS, seconds);
      }
      double before = applied();
      StoreCommands.Snapshot commandsBefore = StoreCommands.snapshot();
      Map<String, CpuTime.ThreadTime> threadsBefore = ThreadCpu.byGroup();
      var allocatedBefore = ThreadAllocation.snapshot();
      Map<String, long[]> storeBefore = MeteredMemoryBackend.snapshot();
      long cpuStart = processCpuNanos();
      double seconds = eventRound(producer, EVENTS, WARMUP_EVENTS);
      double cpuMs = (processCpuNanos() - cpuStart) / 1e6;
      var allocatedAfter = ThreadAllocation.snapshot();
      double applied = applied() - before;
      line(
          "events: %,d resolved events (%s) applied in"
              + " %.1f s: %,.0f events/s (%.0f applied), process CPU %.3f ms per applied event"
              + " (service, in-process store and the producer)",
          EVENTS,
          ONLY_TRACK
              ? "Bench Load track events, 3 properties"
              : "half identify with a trait change, half track",
          seconds,
          applied / seconds,
          applied,
          cpuMs / Math.max(1, applied));
      line(
          "  process CPU per applied event by thread group (/proc, 10 ms ticks): %s",
          ThreadCpu.perOperation(threadsBefore, ThreadCpu.byGroup(), Math.max(1, applied)));
      line(
          "  heap allocated per applied event by live threads (ThreadMXBean): %s",
          ThreadAllocation.perOperation(allocatedBefore, allocatedAfter, Math.max(1, applied)));
      line(
          "  store commands per applied event: %s",
          StoreCommands.snapshot().perOperation(commandsBefore, Math.max(1, applied)));
      line(
          "  test double's CPU and heap per applied event inside its commands, by command and"
              + " collection (ThreadMXBean): %s",
          MeteredMemoryBackend.perOperation(
              storeBefore, MeteredMemoryBackend.snapshot(), Math.max(1, applied)));
      line(
          "  a profile document after the events (BSON bytes, largest fields): %s",
          sampleProfile());
    }
  }

  /** The stored size of one profile, and of its largest top-level fields. */
  private String sampleProfile() {
    Document doc =
        mongo
            .getDatabase("cdp")
            .getCollection(Collections.PROFILES)
            .find(new io.quarkus.mongodb.FindOptions().limit(1))
            .collect()
            .first()
            .await()
            .atMost(Duration.ofSeconds(30));
    if (doc == null) {
      return "none";
    }
    Map<String, Integer> sizes = new java.util.HashMap<>();
    doc.forEach((k, v) -> sizes.put(k, bsonSize(new Document(k, v))));
    StringBuilder out = new StringBuilder(String.format("%,d", bsonSize(doc)));
    sizes.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(6)
        .forEach(e -> out.append(String.format(", %s %,d", e.getKey(), e.getValue())));
    return out.toString();
  }

  private static int bsonSize(Document doc) {
    return new org.bson.RawBsonDocument(doc, new org.bson.codecs.DocumentCodec())
        .getByteBuffer()
        .remaining();
  }

  /** Produces {@code count} events and waits until they are applied; returns the seconds taken. */
  private double eventRound(KafkaProducer<String, String> producer, int count, int offset)
      throws Exception {
    double before = applied();
    Instant now = clock.instant();
    long start = System.nanoTime();
    for (int k = 0; k < count; k++) {
      int n = offset + k;
      int i = ThreadLocalRandom.current().nextInt(PROFILES);
      EventEnvelope e =
          ONLY_TRACK
              ? Events.track(
                  WS,
                  profileId(i),
                  "user-" + i,
                  "Bench Load",
                  now.plusMillis(n),
                  Map.of("step", n, "variant", "v" + (n % 3), "ok", n % 2 == 0))
              : n % 2 == 0
                  ? Events.identify(
                      WS,
                      profileId(i),
                      "user-" + i,
                      now.plusMillis(n),
                      Map.of("plan", "p" + (n % 7)))
                  : Events.track(
                      WS,
                      profileId(i),
                      "user-" + i,
                      "Order Completed",
                      now.plusMillis(n),
                      Map.of("revenue", n % 100));
      producer.send(
          new ProducerRecord<>(
              Topics.EVENTS_RESOLVED, WS + ":" + profileId(i), TestKafka.write(e)));
    }
    producer.flush();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
    while (applied() - before < count && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private void stages() {
    var apply = metrics.find("cdp.profile.event.apply").timer();
    if (apply != null) {
      line(
          "  event apply (per event: its share of the poll batch, or the one-by-one path) mean %.2f ms",
          apply.mean(TimeUnit.MILLISECONDS));
    }
    var flush = metrics.find("cdp.profile.outbox.flush").timer();
    if (flush != null) {
      line(
          "  outbox flush of the one-by-one path (audit, identifier index) mean %.2f ms",
          flush.mean(TimeUnit.MILLISECONDS));
    }
  }

  private static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private double applied() {
    return metrics.counter("cdp.profile.events", "outcome", "applied").count();
  }

  private static double pct(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
  }
}
