package org.opencdp.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.e2e.BenchReport.met;
import static org.opencdp.e2e.BenchReport.ms;
import static org.opencdp.e2e.BenchReport.num;
import static org.opencdp.e2e.Platform.ACTIVATION;
import static org.opencdp.e2e.Platform.GATEWAY;
import static org.opencdp.e2e.Platform.IDENTITY;
import static org.opencdp.e2e.Platform.PROFILE;
import static org.opencdp.e2e.Platform.SEGMENT;
import static org.opencdp.e2e.Platform.SHOP;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole platform under load, measured from outside through its public interfaces, next to the
 * raw infrastructure of the same run (see docs/benchmarks.md). On demand only: {@code mvn -B -ntp
 * -pl e2e-tests -am verify -Pe2e-benchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}. It
 * asserts that every measurement ran, never that a target was met: the figures depend on the
 * machine and are reported with its load average.
 */
@ExtendWith(Platform.Extension.class)
class PlatformBenchmarkIT {
  static final String COMMAND =
      "mvn -B -ntp -pl e2e-tests -am verify -Pe2e-benchmark -Dtest=none"
          + " -Dsurefire.failIfNoSpecifiedTests=false";
  private static final long MAX_LAG_SECONDS = 5;
  // the services commit offsets with SmallRye's throttled strategy, every auto.commit.interval.ms
  // (5 s): a committed offset trails what the group has processed by up to that long
  private static final long COMMIT_INTERVAL_SECONDS = 5;
  private static final int BATCH = 100;
  private static final int LOAD_USERS = 5000;
  private static final int TARGET_EVENTS_PER_SECOND = 3000;
  private static final double TARGET_MEMBERSHIP_P99_MS = 500;
  private static final double TARGET_RSS_MIB = 2048;

  private final int rate = Integer.getInteger("bench.rate", TARGET_EVENTS_PER_SECOND);
  private final Duration fixedRateTime =
      Duration.ofSeconds(Integer.getInteger("bench.seconds", 60));
  private final Duration ingestTime =
      Duration.ofSeconds(Integer.getInteger("bench.ingest.seconds", 30));
  private final Duration warmupTime =
      Duration.ofSeconds(Integer.getInteger("bench.warmup.seconds", 60));
  private final Duration leadInTime =
      Duration.ofSeconds(Integer.getInteger("bench.leadin.seconds", 30));
  private final List<Integer> alsoRates = rates(System.getProperty("bench.also.rates", ""));
  private final int clients = Integer.getInteger("bench.clients", 8);
  private final Duration lookupTime =
      Duration.ofSeconds(Integer.getInteger("bench.lookup.seconds", 15));
  private final Path reportFile =
      Path.of(System.getProperty("bench.report", "../docs/benchmarks.md"));

  private final Platform platform;
  private final Http shop = new Http(SHOP.token());
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String run = Long.toString(System.currentTimeMillis(), 36);
  private final String segmentId = "bench-signal-" + run;
  private final String writeKeyAuth =
      "Basic "
          + Base64.getEncoder()
              .encodeToString((SHOP.writeKey() + ":").getBytes(StandardCharsets.UTF_8));
  private final AtomicLong messages = new AtomicLong();
  private final AtomicLong phases = new AtomicLong();

  PlatformBenchmarkIT(Platform platform) {
    this.platform = platform;
  }

  /** The unmeasured fixed-rate phase before the measured one. */
  record Warmup(long acceptedEvents, Duration drained) {}

  /** One measured fixed-rate phase: what was sent, what was read back, what it cost. */
  record RatePhase(
      int rate,
      FixedRate fixed,
      Map<String, Long> lagAtEnd,
      Map<String, Double> lagSecondsAtEnd,
      Duration drained,
      BenchRun.Latencies toMembership,
      BenchRun.Latencies toDelivery,
      Map<String, String> profileOfUser,
      SortedMap<Long, Long> membershipBySentAt,
      BenchHops hops,
      BenchCpu.Snapshot cpu) {}

  /** What the open-loop phase did. */
  record FixedRate(
      Map<String, Long> signalSentAt,
      long acceptedEvents,
      long failedRequests,
      double achievedPerSecond,
      BenchRun.Latencies requests) {}

  @Test
  void wholePlatformFiguresNextToRawBaselines() throws Exception {
    String loadAtStart = BenchMachine.loadAverage();
    Instant date = Instant.now();
    String bootstrap = platform.kafka().bootstrapServers();
    raiseTheSourceRateLimit();
    defineSegment();

    try (BenchObservers.TimedWebhooks webhooks = new BenchObservers.TimedWebhooks()) {
      defineEntryWebhook(webhooks.url());

      say("ingest: %d clients, batches of %d, %s", clients, BATCH, ingestTime);
      BenchRun.Result ingest =
          BenchRun.closedLoop(clients, ingestTime, (t, i) -> sendBatch(loadBatch(null)));
      say("ingest: %s events/s; raw Kafka producer baseline next", num(ingest.perSecond()));
      BenchRun.Result kafka =
          BenchBaselines.kafkaProducer(
              bootstrap,
              loadEvent("load-0", "m-baseline").getBytes(StandardCharsets.UTF_8),
              (int) Math.max(10_000, Math.min(ingest.units(), 500_000)));
      Duration drainedAfterIngest = awaitDrained(bootstrap, Duration.ofSeconds(180));
      Warmup warmup = warmUp(bootstrap);

      List<RatePhase> otherRates = new ArrayList<>();
      for (int other : alsoRates) {
        otherRates.add(measureAt(other, bootstrap, webhooks));
      }
      RatePhase main = measureAt(rate, bootstrap, webhooks);
      FixedRate fixed = main.fixed();
      Map<String, Long> lagAtEnd = main.lagAtEnd();
      Map<String, Double> lagSecondsAtEnd = main.lagSecondsAtEnd();
      Duration drainedAfterFixedRate = main.drained();
      BenchRun.Latencies toMembership = main.toMembership();
      BenchRun.Latencies toDelivery = main.toDelivery();
      Map<String, String> profileOfUser = main.profileOfUser();
      BenchCpu.Snapshot cpu = main.cpu();

      List<String> users = List.copyOf(profileOfUser.keySet());
      List<String> profiles = List.copyOf(profileOfUser.values());
      say("lookups over %d profiles, %d clients, %s each", profiles.size(), clients, lookupTime);
      BenchRun.Result byId =
          lookups(i -> platform.url(PROFILE) + "/v1/profiles/" + profiles.get(i % profiles.size()));
      BenchRun.Result byIdentifier =
          lookups(
              i -> platform.url(PROFILE) + "/v1/profiles/user_id:" + users.get(i % users.size()));
      BenchRun.Result mongo =
          BenchBaselines.mongoFindById(
              platform.launcher().mongo().connectionString(),
              Math.max(1000, profiles.size()),
              clients,
              lookupTime);
      BenchRun.Result isMember =
          BenchRun.closedLoop(
              clients,
              lookupTime,
              (t, i) -> {
                String url =
                    platform.url(SEGMENT)
                        + "/v1/workspaces/shop/segments/"
                        + segmentId
                        + "/members/"
                        + profiles.get((int) ((i * 7919 + t) % profiles.size()));
                HttpResponse<String> answer = get(url);
                return answer.statusCode() == 200 && answer.body().contains("true") ? 1 : 0;
              });
      BenchRun.Result redis =
          BenchBaselines.redisSismember(
              platform.launcher().redis().port(),
              Math.max(1000, profiles.size()),
              clients,
              lookupTime);

      Map<String, Double> rss = new java.util.LinkedHashMap<>();
      Platform.SERVICES.forEach(s -> rss.put(s, BenchMachine.rssMiB(platform.service(s).pid())));
      String loadAtEnd = BenchMachine.loadAverage();

      report(
              date,
              loadAtStart,
              loadAtEnd,
              ingest,
              kafka,
              drainedAfterIngest,
              warmup,
              fixed,
              lagAtEnd,
              lagSecondsAtEnd,
              drainedAfterFixedRate,
              toMembership,
              toDelivery,
              byId,
              byIdentifier,
              mongo,
              isMember,
              redis,
              rss,
              cpu,
              otherRates,
              main)
          .printAndWrite(reportFile);

      // The measurement ran (targets are reported, never asserted).
      assertThat(ingest.units()).as("events accepted in the ingest phase").isPositive();
      assertThat(kafka.units()).as("raw producer records").isPositive();
      assertThat(fixed.acceptedEvents()).as("events accepted at the fixed rate").isPositive();
      assertThat(toMembership.count()).as("event -> membership samples").isPositive();
      assertThat(toDelivery.count()).as("entry -> delivery samples").isPositive();
      assertThat(byId.units()).as("lookups by id").isPositive();
      assertThat(byIdentifier.units()).as("lookups by identifier").isPositive();
      assertThat(mongo.units()).as("raw find by _id").isPositive();
      assertThat(isMember.units()).as("membership checks").isPositive();
      assertThat(redis.units()).as("raw SISMEMBER").isPositive();
      assertThat(rss.values()).as("RSS of each service").allMatch(v -> v > 0);
      assertThat(cpu.totalMillis()).as("CPU spent in the fixed-rate phase").isPositive();
    }
  }

  /**
   * A measured open-loop phase at {@code phaseRate}: signal events, their memberships and
   * deliveries read back, and the CPU every part spent until all consumers caught up.
   */
  private RatePhase measureAt(
      int phaseRate, String bootstrap, BenchObservers.TimedWebhooks webhooks)
      throws InterruptedException, IOException {
    BenchObservers.MembershipWatcher watcher =
        new BenchObservers.MembershipWatcher(bootstrap, segmentId);
    FixedRate fixed;
    Duration drained;
    BenchCpu.Snapshot cpuBefore = cpuNow();
    Map<String, Long> lagAtEnd;
    Map<String, Double> lagSecondsAtEnd;
    Map<String, String> profileOfUser;
    BenchRun.Latencies toMembership = new BenchRun.Latencies();
    BenchRun.Latencies toDelivery = new BenchRun.Latencies();
    SortedMap<Long, Long> membershipBySentAt = new TreeMap<>();
    try {
      say(
          "fixed rate: %d events/s for %s after a lead-in of %s (open loop)",
          phaseRate, fixedRateTime, leadInTime);
      Map<String, BenchObservers.GroupOffsets> before = BenchObservers.groupOffsets(bootstrap);
      long sendStart = System.nanoTime();
      fixed = sendAtFixedRate(phaseRate, leadInTime, fixedRateTime, true);
      double sendSeconds = (System.nanoTime() - sendStart) / 1e9;
      Map<String, BenchObservers.GroupOffsets> after = BenchObservers.groupOffsets(bootstrap);
      lagAtEnd = new TreeMap<>();
      lagSecondsAtEnd = new TreeMap<>();
      for (var group : after.entrySet()) {
        BenchObservers.GroupOffsets offsets = group.getValue();
        lagAtEnd.put(group.getKey(), offsets.lag());
        lagSecondsAtEnd.put(
            group.getKey(), lagSeconds(before.get(group.getKey()), offsets, sendSeconds));
      }
      int signals = fixed.signalSentAt().size();
      awaitQuiet("memberships", () -> watcher.enteredAt().size(), signals, Duration.ofSeconds(300));
      awaitQuiet(
          "webhooks", // the receiver counts every phase's: this phase's entries only
          () ->
              (int)
                  watcher.enteredAt().keySet().stream()
                      .filter(webhooks.receivedAt()::containsKey)
                      .count(),
          watcher.enteredAt().size(),
          Duration.ofSeconds(180));
      profileOfUser = resolveProfiles(List.copyOf(fixed.signalSentAt().keySet()));
      profileOfUser.forEach(
          (user, profile) -> {
            Long entered = watcher.enteredAt().get(profile);
            if (entered != null) {
              long sentAt = fixed.signalSentAt().get(user);
              toMembership.add(entered - sentAt);
              membershipBySentAt.put(sentAt, entered - sentAt);
            }
          });
      watcher
          .enteredAt()
          .forEach(
              (profile, entered) -> {
                Long delivered = webhooks.receivedAt().get(profile);
                if (delivered != null) {
                  toDelivery.add(Math.max(0, delivered - entered));
                }
              });
    } finally {
      watcher.close();
    }
    drained = awaitDrained(bootstrap, Duration.ofSeconds(120));
    BenchCpu.Snapshot cpu = cpuNow().since(cpuBefore);
    BenchHops hops = // read after the CPU figures: reading the topics is the benchmark's own work
        BenchHops.read(
            new KafkaProbe(bootstrap),
            fixed.signalSentAt(),
            profileOfUser,
            watcher.producedAt(),
            watcher.enteredAt());
    return new RatePhase(
        phaseRate,
        fixed,
        lagAtEnd,
        lagSecondsAtEnd,
        drained,
        toMembership,
        toDelivery,
        profileOfUser,
        membershipBySentAt,
        hops,
        cpu);
  }

  /**
   * A group's lag in seconds of its own input (the records added to its partitions while sending,
   * per second): a group reading two topics gets twice the records of one.
   */
  private static double lagSeconds(
      BenchObservers.GroupOffsets before, BenchObservers.GroupOffsets after, double seconds) {
    double perSecond = before == null ? 0 : (after.end() - before.end()) / seconds;
    if (after.lag() == 0) {
      return 0;
    }
    return perSecond > 0 ? after.lag() / perSecond : Double.POSITIVE_INFINITY;
  }

  private static String seconds(Map<String, Double> lagSeconds) {
    StringBuilder out = new StringBuilder();
    lagSeconds.forEach(
        (group, s) ->
            out.append(out.isEmpty() ? "" : ", ").append(group).append(" %.1f s".formatted(s)));
    return out.toString();
  }

  private static final Duration WINDOW = Duration.ofSeconds(10);

  private BenchCpu.Snapshot cpuNow() {
    return BenchCpu.take(
        servicePids(),
        platform.kafka().pid().orElseThrow(),
        platform.launcher().mongo().pid(),
        postgresDataDir(),
        platform.launcher().redis().port());
  }

  /** Where the launcher keeps the platform's PostgreSQL (its postmaster's -D). */
  private Path postgresDataDir() {
    return platform.launcher().state().resolve("postgres");
  }

  private Map<String, Long> servicePids() {
    Map<String, Long> pids = new java.util.LinkedHashMap<>();
    Platform.SERVICES.forEach(s -> pids.put(s, platform.service(s).pid()));
    return pids;
  }

  // ---- setup ---------------------------------------------------------------------------------

  /** The default per-source limit (5,000 events/s) would otherwise cap the ingest phase. */
  private void raiseTheSourceRateLimit() {
    Http.Response answer =
        shop.put(
            platform.url(GATEWAY) + "/api/v1/workspaces/shop/sources/website",
            """
            {"name":"Website","rateLimitPerSecond":1000000}""");
    say("source rate limit raised: HTTP %d", answer.status());
  }

  private void defineSegment() {
    shop.post(
            platform.url(SEGMENT) + "/v1/workspaces/shop/segments",
            """
            {"id":"%s","name":"Bench signal","condition":{"event":"Bench Signal"}}"""
                .formatted(segmentId))
        .expect(201);
  }

  private void defineEntryWebhook(String url) {
    String destination =
        shop.post(
                platform.url(ACTIVATION) + "/v1/workspaces/shop/destinations",
                """
                {"name":"Bench webhook %s","type":"WEBHOOK","config":{"url":"%s"},
                 "secret":"bench-webhook-signing-secret"}"""
                    .formatted(run, url))
            .expect(201)
            .path("id")
            .asText();
    shop.post(
            platform.url(ACTIVATION) + "/v1/workspaces/shop/campaigns",
            """
            {"name":"Bench entry %s","consentCategory":"marketing",
             "trigger":{"type":"SEGMENT_ENTERED","segmentId":"%s"},
             "steps":[{"type":"SEND","destinationId":"%s","template":"entered {segment.name}"}]}"""
                .formatted(run, segmentId, destination))
        .expect(201);
  }

  // ---- traffic -------------------------------------------------------------------------------

  /** A batch of load events from known users, the first one a signal event when a user is given. */
  private String loadBatch(String signalUser) {
    StringBuilder body = new StringBuilder(BATCH * 200).append("{\"batch\":[");
    for (int e = 0; e < BATCH; e++) {
      if (e > 0) {
        body.append(',');
      }
      String messageId = "m-" + run + "-" + messages.incrementAndGet();
      if (e == 0 && signalUser != null) {
        body.append(
            """
            {"type":"track","event":"Bench Signal","userId":"%s","messageId":"%s",\
            "properties":{"sample":true},\
            "context":{"consent":{"categoryPreferences":{"marketing":true}}}}"""
                .formatted(signalUser, messageId));
      } else {
        int user = (int) ((messages.get() * 7919) % LOAD_USERS);
        body.append(loadEvent("load-" + run + "-" + user, messageId));
      }
    }
    return body.append("]}").toString();
  }

  private static String loadEvent(String userId, String messageId) {
    return """
        {"type":"track","event":"Bench Load","userId":"%s","messageId":"%s",\
        "properties":{"sku":"sku-42","price":9.99,"currency":"EUR"}}"""
        .formatted(userId, messageId);
  }

  private HttpRequest batchRequest(String body) {
    return HttpRequest.newBuilder(URI.create(platform.url(GATEWAY) + "/v1/batch"))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", writeKeyAuth)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  /** Events accepted by one synchronous batch, 0 when refused. */
  private int sendBatch(String body) throws Exception {
    HttpResponse<String> answer =
        client.send(batchRequest(body), HttpResponse.BodyHandlers.ofString());
    return answer.statusCode() == 200
        ? Http.JSON.readTree(answer.body()).path("accepted").asInt()
        : 0;
  }

  /**
   * Open loop: batch b leaves at start + b × interval whether or not earlier answers came back, so
   * a slow pipeline shows as latency instead of as a lower offered rate. Latencies count from the
   * intended send time.
   */
  /**
   * Sends {@code perSecond} events in batches for {@code leadIn} then {@code length}; with {@code
   * signals}, every batch of the {@code length} part starts with a signal event. The lead-in at the
   * same rate keeps the step from an idle pipeline to the rate (consumers fetching small batches,
   * queues building) out of the measured part: a platform under sustained load does not see it.
   */
  private FixedRate sendAtFixedRate(
      int perSecond, Duration leadIn, Duration length, boolean signals) {
    long interval = 1_000_000_000L * BATCH / perSecond;
    long leadInBatches = leadIn.toSeconds() * perSecond / BATCH;
    long batches = leadInBatches + length.toSeconds() * perSecond / BATCH;
    long phase = phases.incrementAndGet(); // signal users are new in every phase
    Map<String, Long> signalSentAt = new ConcurrentHashMap<>();
    BenchRun.Latencies requests = new BenchRun.Latencies();
    AtomicLong accepted = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong lastAnswer = new AtomicLong();
    List<CompletableFuture<?>> inFlight = new ArrayList<>();
    long start = System.nanoTime() + 100_000_000L;
    for (long b = 0; b < batches; b++) {
      long intended = start + b * interval;
      String signalUser =
          signals && b >= leadInBatches ? "sig-" + run + "-" + phase + "-" + b : null;
      String body = loadBatch(signalUser);
      for (long wait = intended - System.nanoTime();
          wait > 0;
          wait = intended - System.nanoTime()) {
        LockSupport.parkNanos(wait);
      }
      if (signalUser != null) {
        signalSentAt.put(signalUser, intended);
      }
      inFlight.add(
          client
              .sendAsync(batchRequest(body), HttpResponse.BodyHandlers.ofString())
              .whenComplete(
                  (answer, error) -> {
                    long now = System.nanoTime();
                    requests.add(now - intended);
                    lastAnswer.accumulateAndGet(now, Math::max);
                    if (error == null && answer.statusCode() == 200) {
                      accepted.addAndGet(acceptedOf(answer.body()));
                    } else {
                      failed.incrementAndGet();
                    }
                  }));
    }
    try {
      CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
          .exceptionally(e -> null)
          .get(90, TimeUnit.SECONDS);
    } catch (Exception e) {
      say("fixed rate: not every request answered within 90 s: %s", e);
    }
    double seconds = (lastAnswer.get() - start) / 1e9;
    return new FixedRate(
        signalSentAt, accepted.get(), failed.get(), accepted.get() / seconds, requests);
  }

  private static int acceptedOf(String body) {
    try {
      return Http.JSON.readTree(body).path("accepted").asInt();
    } catch (Exception e) {
      return 0;
    }
  }

  /**
   * The measured phase's load without signal events, then until consumers caught up: the services'
   * JVMs compile their hot code (JIT) here rather than in the measured phase, as in a platform that
   * has run for a while.
   */
  private Warmup warmUp(String bootstrap) {
    if (warmupTime.isZero()) {
      return new Warmup(0, Duration.ZERO);
    }
    say("warm-up: %d events/s for %s (open loop, not measured)", rate, warmupTime);
    FixedRate warm = sendAtFixedRate(rate, Duration.ZERO, warmupTime, false);
    return new Warmup(warm.acceptedEvents(), awaitDrained(bootstrap, Duration.ofSeconds(300)));
  }

  // ---- waiting and reading back ---------------------------------------------------------------

  /** Until no consumer group of the platform lags (or the limit): how long catching up took. */
  private static Duration awaitDrained(String bootstrap, Duration limit) {
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    Map<String, Long> lag = BenchObservers.consumerLag(bootstrap);
    while (sum(lag) > 0 && System.nanoTime() < deadline) {
      sleep(Duration.ofSeconds(2));
      lag = BenchObservers.consumerLag(bootstrap);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    say("consumer lag after %d s: %s", took.toSeconds(), lag);
    return took;
  }

  /**
   * Until {@code count} reaches {@code expected}, stops growing for 60 s, or the limit passes: a
   * backlogged pipeline (a busy machine) can be silent for many seconds before catching up.
   */
  private static void awaitQuiet(String what, IntSupplier count, int expected, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    int last = -1;
    long lastGrowth = System.nanoTime();
    while (System.nanoTime() < deadline) {
      int now = count.getAsInt();
      if (now >= expected) {
        break;
      }
      if (now != last) {
        last = now;
        lastGrowth = System.nanoTime();
      } else if (System.nanoTime() - lastGrowth > Duration.ofSeconds(60).toNanos()) {
        break;
      }
      sleep(Duration.ofMillis(500));
    }
    say("%s: %d of %d", what, count.getAsInt(), expected);
  }

  /** user id → profile id from the identity-service, for the signal users that have one. */
  private Map<String, String> resolveProfiles(List<String> users) throws InterruptedException {
    Map<String, String> profiles = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    for (String user : users) {
      pool.execute(
          () -> {
            Http.Response answer =
                shop.get(
                    platform.url(IDENTITY) + "/v1/workspaces/shop/identifiers/user_id/" + user);
            if (answer.status() == 200) {
              profiles.put(user, answer.json().path("profileId").asText());
            }
          });
    }
    pool.shutdown();
    pool.awaitTermination(5, TimeUnit.MINUTES);
    say("profiles of signal users: %d of %d", profiles.size(), users.size());
    return profiles;
  }

  private BenchRun.Result lookups(java.util.function.IntFunction<String> url) {
    return BenchRun.closedLoop(
        clients,
        lookupTime,
        (t, i) -> get(url.apply((int) ((i * 7919 + t) & 0x7fffffff))).statusCode() == 200 ? 1 : 0);
  }

  private HttpResponse<String> get(String url) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + SHOP.token())
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  // ---- the report ----------------------------------------------------------------------------

  private BenchReport report(
      Instant date,
      String loadAtStart,
      String loadAtEnd,
      BenchRun.Result ingest,
      BenchRun.Result kafka,
      Duration drainedAfterIngest,
      Warmup warmup,
      FixedRate fixed,
      Map<String, Long> lagAtEnd,
      Map<String, Double> lagSecondsAtEnd,
      Duration drainedAfterFixedRate,
      BenchRun.Latencies toMembership,
      BenchRun.Latencies toDelivery,
      BenchRun.Result byId,
      BenchRun.Result byIdentifier,
      BenchRun.Result mongo,
      BenchRun.Result isMember,
      BenchRun.Result redis,
      Map<String, Double> rss,
      BenchCpu.Snapshot cpu,
      List<RatePhase> otherRates,
      RatePhase main) {
    double rssTotal = rss.values().stream().mapToDouble(Double::doubleValue).sum();
    int signals = fixed.signalSentAt().size();
    BenchReport report = new BenchReport();
    report
        .line("# Whole-platform benchmark")
        .line("")
        .line("Written by `PlatformBenchmarkIT` (e2e-tests). Command, from the repository root:")
        .line("")
        .line("```")
        .line(COMMAND)
        .line("```")
        .line("")
        .line(
            "Options (`-D`): `bench.rate` (events/s of the fixed-rate phase, "
                + "default 3000), `bench.seconds` (60), `bench.ingest.seconds` (30), "
                + "`bench.warmup.seconds` (60, 0 for none), `bench.leadin.seconds` (30: the "
                + "rate without signal events before each measured phase), `bench.also.rates` (other "
                + "fixed rates measured the same way before the main phase: `1500,2000`; empty for none), "
                + "`bench.clients` (8), `bench.lookup.seconds` (15).")
        .line("")
        .line(
            "The five services run as processes from their `target/quarkus-app` with the JVM "
                + "options the local launcher gives them (a heap per service, SerialGC, "
                + "MALLOC_ARENA_MAX=2: local-launcher/README.md) on real Kafka, PostgreSQL and "
                + "Redis and the MongoDB-wire test server (mongo-java-server, an in-memory test "
                + "double, **not MongoDB**), all on this one machine together with the load "
                + "generator. The test double runs in a JVM of its own (its garbage collections "
                + "paused this JVM's load generator and observers when it lived here), without "
                + "mongo-java-server's oplog (it kept a copy of every write for good), on a fixed "
                + "6 GiB heap with SerialGC, touched at start, that promotes what survives one "
                + "young collection (the stored documents: copying them between survivor spaces "
                + "made its young pauses 120-420 ms, now 70-220 ms) (`cdp.local.mongo.jvm-options` "
                + "of the `e2e-benchmark` profile; its collector's log in "
                + "`e2e-tests/target/mongo-wire-gc.log`). Figures "
                + "are only meaningful on an otherwise idle machine: check the load average below.");
    report.heading("Machine and run");
    List<List<String>> machine = new ArrayList<>();
    machine.add(List.of("date", date.toString()));
    BenchMachine.describe().forEach((k, v) -> machine.add(List.of(k, v)));
    machine.add(
        List.of(
            "settings",
            ("bench.rate=%d bench.seconds=%d bench.ingest.seconds=%d bench.warmup.seconds=%d"
                    + " bench.leadin.seconds=%d bench.clients=%d bench.lookup.seconds=%d"
                    + " bench.also.rates=%s")
                .formatted(
                    rate,
                    fixedRateTime.toSeconds(),
                    ingestTime.toSeconds(),
                    warmupTime.toSeconds(),
                    leadInTime.toSeconds(),
                    clients,
                    lookupTime.toSeconds(),
                    alsoRates)));
    machine.add(List.of("load average at start (1, 5, 15 min)", loadAtStart));
    machine.add(List.of("load average at end (1, 5, 15 min)", loadAtEnd));
    report.table(List.of("", ""), machine);

    report.heading("Targets (2 cores)");
    report.table(
        List.of("target", "measured", ""),
        List.of(
            List.of(
                "pipeline sustains 3,000 events/s",
                num(fixed.achievedPerSecond())
                    + " events/s accepted at an offered "
                    + rate
                    + "/s; committed lag at the end of sending, in seconds of each group's input: "
                    + seconds(lagSecondsAtEnd)
                    + " (sustained means every group processed to within "
                    + MAX_LAG_SECONDS
                    + " s of its input; committed offsets trail that by up to the "
                    + COMMIT_INTERVAL_SECONDS
                    + " s commit interval)",
                met(
                    rate >= TARGET_EVENTS_PER_SECOND
                        && fixed.achievedPerSecond() >= 0.99 * TARGET_EVENTS_PER_SECOND
                        && fixed.failedRequests() == 0
                        && toMembership.count() == signals
                        // accepted is not sustained: every consumer group must be within
                        // MAX_LAG_SECONDS of its input when sending stops
                        && lagSecondsAtEnd.values().stream()
                            .allMatch(lag -> lag <= MAX_LAG_SECONDS + COMMIT_INTERVAL_SECONDS))),
            List.of(
                "event -> membership p99 < 500 ms",
                ms(toMembership.ms(0.99)),
                met(
                    toMembership.count() == signals
                        && toMembership.ms(0.99) < TARGET_MEMBERSHIP_P99_MS)),
            List.of(
                "five services < 2 GB RSS together",
                num(rssTotal) + " MiB",
                met(rssTotal > 0 && rssTotal < TARGET_RSS_MIB))));

    report.heading("Ingest (closed loop, batches of 100)");
    report.table(
        List.of("", "events/s", "p50", "p99", "failed requests", "clients"),
        List.of(
            List.of(
                "gateway `POST /v1/batch`",
                num(ingest.perSecond()),
                ms(ingest.latencies().ms(0.5)),
                ms(ingest.latencies().ms(0.99)),
                "" + ingest.errors(),
                "" + clients),
            List.of(
                "raw: KafkaProducer (acks=all, idempotent, lz4), a load event JSON per record, latency per record",
                num(kafka.perSecond()),
                ms(kafka.latencies().ms(0.5)),
                ms(kafka.latencies().ms(0.99)),
                "" + kafka.errors(),
                "1")));
    report
        .line("")
        .line(
            "Consumers caught up with the ingest phase in "
                + drainedAfterIngest.toSeconds()
                + " s. Then a warm-up, not measured: the fixed-rate phase's load without signal "
                + "events for "
                + warmupTime.toSeconds()
                + " s ("
                + warmup.acceptedEvents()
                + " events accepted), caught up in "
                + warmup.drained().toSeconds()
                + " s.");

    report.heading("Event -> segment membership at a fixed rate (open loop)");
    report
        .line(
            "Offered: "
                + rate
                + " events/s for "
                + fixedRateTime.toSeconds()
                + " s in batches of "
                + BATCH
                + ", right after "
                + leadInTime.toSeconds()
                + " s at the same rate without signal events (the step from an idle pipeline to"
                + " the rate is not measured); the first event of each batch is a `Bench Signal`"
                + " of a new user, "
                + "which makes that user's profile enter a segment (`{\"event\":\"Bench Signal\"}`). "
                + "Latency: intended send time -> the ENTERED change read from "
                + "`cdp.segments.membership` by a plain consumer.")
        .line("");
    report.table(
        List.of("", "value"),
        List.of(
            List.of("events accepted/s (achieved)", num(fixed.achievedPerSecond())),
            List.of("failed batch requests", "" + fixed.failedRequests()),
            List.of(
                "batch request p50 / p99",
                ms(fixed.requests().ms(0.5)) + " / " + ms(fixed.requests().ms(0.99))),
            List.of("signal events / memberships seen", signals + " / " + toMembership.count()),
            List.of("event -> membership p50", ms(toMembership.ms(0.5))),
            List.of("event -> membership p99", ms(toMembership.ms(0.99))),
            List.of("event -> membership max", ms(toMembership.ms(1.0))),
            List.of("consumer lag at the end of sending (records)", lagAtEnd.toString()),
            List.of(
                "the same in seconds of each group's input (committed offsets: up to "
                    + COMMIT_INTERVAL_SECONDS
                    + " s behind processing)",
                seconds(lagSecondsAtEnd)),
            List.of("caught up after the phase in", drainedAfterFixedRate.toSeconds() + " s")));
    report
        .line("")
        .line(
            "The same latencies by when the signal was due, in windows of "
                + WINDOW.toSeconds()
                + " s from the start of the phase: whether the slow ones are spread out or come"
                + " together (a pause somewhere in the pipeline).")
        .line("");
    report.table(
        List.of("sent in", "signals", "p50", "p99", "max"),
        BenchRun.byWindow(main.membershipBySentAt(), WINDOW));
    report
        .line("")
        .line(
            "Where that time went: every Kafka record a signal leads to carries the time its"
                + " producer sent it (CreateTime), read back after the phase; each hop ends when"
                + " the next service has sent its record ("
                + main.hops().count()
                + " signals seen on every hop).")
        .line("");
    report.table(List.of("hop", "p50", "p99", "max"), main.hops().summary());
    report.line("");
    report.table(
        List.of("sent in", "signals", "p99 to raw", "identity", "segment", "read"),
        main.hops().p99ByWindow(WINDOW));

    report.heading("CPU per event (fixed-rate phase)");
    double perEvent = cpu.pipelineMillis() / Math.max(1, fixed.acceptedEvents());
    double warmPerEvent =
        (cpu.pipelineMillis() - cpu.jitMillis()) / Math.max(1, fixed.acceptedEvents());
    report
        .line(
            "CPU time (user + system, from /proc; threads of this JVM from the ThreadMXBean) "
                + "spent from the first request of the fixed-rate phase (its lead-in included) "
                + "until every consumer group "
                + "had caught up, divided by the "
                + fixed.acceptedEvents()
                + " events accepted. It varies by 10-20 % from run to run: consumers that fall "
                + "further behind (a busier machine) poll fuller batches, which cost less per "
                + "event, and the JIT's share differs; compare runs of similar load. The pipeline "
                + "(services, broker, PostgreSQL, Redis, MongoDB-wire test double) bounds what the "
                + "machine can sustain: "
                + Runtime.getRuntime().availableProcessors()
                + " cores x 1,000 ms / "
                + String.format(java.util.Locale.ROOT, "%.3f", perEvent)
                + " ms = **about "
                + num(Runtime.getRuntime().availableProcessors() * 1000 / perEvent)
                + " events/s at most** for the whole pipeline on this machine. The services were "
                + "started minutes before (ingest phase and warm-up): their JVMs may still "
                + "compile code (the JIT compiler threads' CPU is a column of its own), which a "
                + "platform that has run for hours has done once; without it: "
                + String.format(java.util.Locale.ROOT, "%.3f", warmPerEvent)
                + " ms = about "
                + num(Runtime.getRuntime().availableProcessors() * 1000 / warmPerEvent)
                + " events/s.")
        .line("");
    report.table(
        List.of("part", "CPU s", "per event", "of which JIT compiler threads", "share"),
        cpu.rows(fixed.acceptedEvents()));

    if (!otherRates.isEmpty()) {
      ratesSection(report, otherRates, main);
    }

    report.heading("Entry -> delivery (webhook campaign on segment entry)");
    report
        .line("From the ENTERED change read from Kafka to the webhook request arriving here.")
        .line("");
    report.table(
        List.of("deliveries / entries", "p50", "p99"),
        List.of(
            List.of(
                toDelivery.count() + " / " + toMembership.count(),
                ms(toDelivery.ms(0.5)),
                ms(toDelivery.ms(0.99)))));

    report.heading(
        "Lookups (closed loop, " + clients + " clients, " + lookupTime.toSeconds() + " s each)");
    report.table(
        List.of("", "per second", "p50", "p99", "failed"),
        List.of(
            row("profile by id `GET /v1/profiles/{id}`", byId),
            row("profile by identifier `GET /v1/profiles/user_id:{id}`", byIdentifier),
            row(
                "raw: find by _id on the MongoDB-wire test server (mongo-java-server, not MongoDB)",
                mongo),
            row("membership check `GET .../segments/{id}/members/{profile}`", isMember),
            row("raw: Redis SISMEMBER (one connection per client)", redis)));

    report.heading("Memory (VmRSS at the end of the run)");
    List<List<String>> memory = new ArrayList<>();
    rss.forEach((service, mib) -> memory.add(List.of(service, num(mib) + " MiB")));
    memory.add(List.of("**total**", num(rssTotal) + " MiB (target < 2,048 MiB)"));
    report.table(List.of("service", "RSS"), memory);
    return report;
  }

  /** The phases of {@code bench.also.rates} (run first, in that order) next to the main one. */
  private void ratesSection(BenchReport report, List<RatePhase> others, RatePhase main) {
    report.heading("Other fixed rates (`bench.also.rates`)");
    report
        .line(
            "The same measured phase ("
                + fixedRateTime.toSeconds()
                + " s, signal events, read back, CPU until caught up) at other rates, run after "
                + "the warm-up and before the main phase, in this order. CPU in ms per event.")
        .line("");
    List<List<String>> rows = new ArrayList<>();
    List<RatePhase> all = new ArrayList<>(others);
    all.add(main);
    for (RatePhase phase : all) {
      long events = Math.max(1, phase.fixed().acceptedEvents());
      BenchCpu.Snapshot cpu = phase.cpu();
      rows.add(
          List.of(
              phase.rate() + (phase == main ? " (main)" : ""),
              num(phase.fixed().achievedPerSecond()),
              "%.1f s"
                  .formatted(
                      phase.lagSecondsAtEnd().values().stream()
                          .mapToDouble(Double::doubleValue)
                          .max()
                          .orElse(0)),
              phase.toMembership().count() + " / " + phase.fixed().signalSentAt().size(),
              ms(phase.toMembership().ms(0.5)),
              ms(phase.toMembership().ms(0.99)),
              ms(phase.toDelivery().ms(0.5)),
              perEvent(cpu.pipelineMillis(), events),
              perEvent(cpu.pipelineMillis() - cpu.jitMillis(), events),
              perEvent(cpu.machineBusyMillis(), events)));
    }
    report.table(
        List.of(
            "offered events/s",
            "accepted/s",
            "largest group's lag at the end of sending (s of its input)",
            "memberships / signals",
            "event -> membership p50",
            "p99",
            "entry -> delivery p50",
            "pipeline CPU",
            "without JIT",
            "whole machine"),
        rows);
  }

  private static String perEvent(double ms, long events) {
    return String.format(java.util.Locale.ROOT, "%.3f", ms / events);
  }

  private static List<Integer> rates(String list) {
    List<Integer> rates = new ArrayList<>();
    for (String part : list.split(",")) {
      if (!part.isBlank()) {
        rates.add(Integer.parseInt(part.strip()));
      }
    }
    return rates;
  }

  private static List<String> row(String what, BenchRun.Result result) {
    return List.of(
        what,
        num(result.perSecond()),
        ms(result.latencies().ms(0.5)),
        ms(result.latencies().ms(0.99)),
        "" + result.errors());
  }

  private static long sum(Map<String, Long> lag) {
    return lag.values().stream().mapToLong(Long::longValue).sum();
  }

  private static void say(String format, Object... args) {
    System.out.printf("[bench] " + format + "%n", args);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
