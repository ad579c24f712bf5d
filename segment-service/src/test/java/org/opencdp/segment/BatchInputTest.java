package org.opencdp.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.segment.support.TestKafka.profile;
import static org.opencdp.segment.support.TestKafka.track;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.Topics;
import org.opencdp.segment.config.Contexts;
import org.opencdp.segment.evaluation.InputBatch;
import org.opencdp.segment.evaluation.RealtimeInput;
import org.opencdp.segment.membership.MembershipCache;
import org.opencdp.segment.support.Api;
import org.opencdp.segment.support.TestKafka;
import org.opencdp.testsupport.EventEnvelopeBuilder;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

/**
 * Profile changes and resolved events applied a Kafka poll batch at a time: several inputs of one
 * profile in one transaction give the history and membership of a one-by-one run; a poison record
 * and a profile that cannot be applied go to the DLQ while the rest of the batch applies; two
 * batches racing on the same profiles do not deadlock and leave PostgreSQL and Redis in agreement;
 * a redelivered batch changes nothing. Real Kafka, PostgreSQL and Redis.
 */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTest
class BatchInputTest {
  private static final String BATCH = "w-batch";
  private static final String POISON = "w-poison";
  private static final String RACE = "w-race";
  private static final String REDELIVER = "w-redeliver";
  private static final String LOCKS = "w-locks";

  @Inject InputBatch batch;
  @Inject Contexts contexts;
  @Inject Pool pool;
  @Inject MembershipCache cache;
  @Inject MeterRegistry registry;
  @Inject KafkaClientService kafkaClients;

  @BeforeAll
  static void readMembership() {
    TestKafka.startReader();
  }

  private static String newProfile() {
    return "p-" + UUID.randomUUID();
  }

  @Test
  void severalInputsOfOneProfileInOneBatchGiveTheHistoryOfAOneByOneRun() {
    Api.createSegment(BATCH, "b-pro", "{\"trait\":\"plan\",\"op\":\"equals\",\"value\":\"pro\"}");
    Api.createSegment(BATCH, "b-buyer", "{\"event\":\"Order Completed\",\"atLeast\":2}");
    Api.createSegment(
        BATCH, "b-pro-buyer", "{\"all\":[{\"segment\":\"b-pro\"},{\"segment\":\"b-buyer\"}]}");
    Api.createSegment(
        BATCH, "b-never-refunded", "{\"event\":\"Order Refunded\",\"performed\":false}");
    String batched = newProfile();
    String oneByOne = newProfile();

    apply(script(batched)); // one transaction
    for (RealtimeInput input : script(oneByOne)) {
      apply(List.of(input)); // one transaction each, as before batching
    }

    List<String> expected =
        List.of(
            "b-never-refunded ENTERED event: Order Completed",
            "b-pro ENTERED profile changed: traits.plan",
            "b-buyer ENTERED event: Order Completed",
            "b-pro-buyer ENTERED event: Order Completed",
            "b-pro EXITED profile changed: traits.plan",
            "b-pro-buyer EXITED profile changed: traits.plan",
            "b-pro ENTERED profile changed: traits.plan",
            "b-pro-buyer ENTERED profile changed: traits.plan",
            "b-never-refunded EXITED event: Order Refunded");
    for (String p : List.of(batched, oneByOne)) {
      // the messages of one profile are published (and keyed) in history order
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(messages(BATCH, p)).isEqualTo(expected));
      assertThat(historyRows(BATCH, p)).containsExactlyInAnyOrderElementsOf(expected);
      // the outbox rows are marked once Kafka acknowledged them (not left to the relay)
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(unpublished(BATCH, p)).isZero());
      assertThat(storedSegments(BATCH, p))
          .containsExactlyInAnyOrder("b-pro", "b-buyer", "b-pro-buyer");
      assertThat(redisSegments(BATCH, p))
          .containsExactlyInAnyOrder("b-pro", "b-buyer", "b-pro-buyer");
      assertThat(version(BATCH, p)).isEqualTo(3);
    }
  }

  /** Events and snapshots of one profile, with a duplicate event and an older snapshot. */
  private static List<RealtimeInput> script(String p) {
    EventEnvelope secondOrder = track(BATCH, p, "Order Completed", Instant.now(), Map.of());
    return List.of(
        event(track(BATCH, p, "Order Completed", Instant.now(), Map.of())),
        change(BATCH, p, 1, "pro"),
        event(secondOrder),
        change(BATCH, p, 2, "free"),
        event(secondOrder), // redelivered: counted once
        change(BATCH, p, 1, "pro"), // older: ignored
        change(BATCH, p, 3, "pro"),
        event(track(BATCH, p, "Order Refunded", Instant.now(), Map.of())));
  }

  @Test
  void poisonAndUnappliableRecordsOfABatchGoToTheDlqWhileTheOthersApply() throws Exception {
    Api.createSegment(POISON, "x-active", "{\"event\":\"Logged In\"}");
    List<String> good = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      good.add(newProfile());
    }
    // a stored row that cannot be decoded: every evaluation of it fails
    String corrupt = newProfile();
    pool.preparedQuery(
            "insert into profile_state (key, workspaceId, profileId, version, deleted, snapshot,"
                + " events, segments, updatedAt) values ($1, $2, $3, 1, false, '{not json', '{}',"
                + " '', now())")
        .execute(Tuple.of(POISON + ":" + corrupt, POISON, corrupt))
        .await()
        .atMost(Duration.ofSeconds(10));
    String marker = "poison-" + UUID.randomUUID();
    String noIdMarker = "no-id-" + UUID.randomUUID();
    EventEnvelope withoutId =
        withoutMessageId(
            track(POISON, good.get(0), "Logged In", Instant.now(), Map.of("m", noIdMarker)));

    // appended together per partition, so that each partition's records arrive in one poll batch
    List<ProducerRecord<String, String>> records = new ArrayList<>();
    for (String p : good) {
      records.add(TestKafka.record(track(POISON, p, "Logged In", Instant.now(), Map.of())));
      if (p.equals(good.get(0))) {
        records.add(
            new ProducerRecord<>(Topics.EVENTS_RESOLVED, POISON + ":" + p, "{not json " + marker));
        records.add(TestKafka.record(withoutId));
      }
      records.add(TestKafka.record(track(POISON, corrupt, "Logged In", Instant.now(), Map.of())));
    }
    long batchesBefore = batchSummary() == null ? 0 : batchSummary().count();
    TestKafka.sendTogether(records);

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(Api.allMembers(POISON, "x-active")).containsAll(good));
    assertThat(Api.isMember(POISON, "x-active", corrupt)).isFalse();

    Map<String, List<String>> reasons =
        deadLetterReasons(
            Topics.EVENTS_RESOLVED + Topics.DLQ_SUFFIX,
            List.of(marker, noIdMarker, corrupt),
            good.size() + 2);
    assertThat(reasons.get(marker)).containsExactly("unreadable EventEnvelope message");
    assertThat(reasons.get(corrupt))
        .hasSize(good.size())
        .allMatch(r -> r.startsWith("failed after the retries: java.lang.IllegalStateException"));
    assertThat(reasons.get(noIdMarker)).containsExactly("message without messageId");
    // the corrupt profile's 8 records shared a batch (and were isolated from its other records)
    assertThat(batchSummary().count()).isGreaterThan(batchesBefore);
    assertThat(batchSummary().max()).isGreaterThanOrEqualTo(good.size());
  }

  @Test
  void twoBatchesRacingOnTheSameProfilesEndWithPostgresAndRedisInAgreement() throws Exception {
    Api.createSegment(RACE, "r-pro", "{\"trait\":\"plan\",\"op\":\"equals\",\"value\":\"pro\"}");
    Api.createSegment(RACE, "r-orders", "{\"event\":\"Order Completed\",\"atLeast\":20}");
    Api.createSegment(
        RACE, "r-pro-orders", "{\"all\":[{\"segment\":\"r-pro\"},{\"segment\":\"r-orders\"}]}");
    List<String> profiles = new ArrayList<>();
    List<RealtimeInput> first = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String p = newProfile();
      profiles.add(p);
      first.add(change(RACE, p, 1, "free"));
    }
    apply(first);

    Random random = new Random(3);
    int rounds = 10;
    for (int round = 0; round < rounds; round++) {
      // as two instances would receive them: events on one, profile changes on the other, the
      // same profiles in a different order in each batch
      List<RealtimeInput> events = new ArrayList<>();
      List<RealtimeInput> changes = new ArrayList<>();
      for (String p : shuffled(profiles, random)) {
        events.add(event(track(RACE, p, "Order Completed", Instant.now(), Map.of())));
        events.add(event(track(RACE, p, "Order Completed", Instant.now(), Map.of())));
      }
      for (String p : shuffled(profiles, random)) {
        int n = profiles.indexOf(p);
        changes.add(change(RACE, p, round + 2, (round + n) % 2 == 0 ? "pro" : "free"));
        changes.add(event(track(RACE, p, "Page Viewed", Instant.now(), Map.of())));
      }
      CompletableFuture<Void> a =
          contexts.run(() -> batch.apply(events)).subscribeAsCompletionStage();
      CompletableFuture<Void> b =
          contexts.run(() -> batch.apply(changes)).subscribeAsCompletionStage();
      // a deadlock would fail one of them (PostgreSQL aborts one transaction of the cycle)
      a.get(60, TimeUnit.SECONDS);
      b.get(60, TimeUnit.SECONDS);
    }

    Map<String, Set<String>> members = new HashMap<>();
    for (String p : profiles) {
      boolean pro = (rounds - 1 + profiles.indexOf(p)) % 2 == 0;
      Set<String> expected = pro ? Set.of("r-pro", "r-orders", "r-pro-orders") : Set.of("r-orders");
      assertThat(storedSegments(RACE, p)).as("PostgreSQL, %s", p).isEqualTo(expected);
      assertThat(redisSegments(RACE, p)).as("Redis profile set, %s", p).isEqualTo(expected);
      expected.forEach(s -> members.computeIfAbsent(s, k -> new HashSet<>()).add(p));
    }
    for (String segment : List.of("r-pro", "r-orders", "r-pro-orders")) {
      assertThat(new HashSet<>(Api.allMembers(RACE, segment)))
          .as("Redis set of %s", segment)
          .isEqualTo(members.getOrDefault(segment, Set.of()));
    }
  }

  @Test
  void aRedeliveredBatchChangesNothing() {
    Api.createSegment(
        REDELIVER, "d-pro", "{\"trait\":\"plan\",\"op\":\"equals\",\"value\":\"pro\"}");
    Api.createSegment(REDELIVER, "d-orders", "{\"event\":\"Order Completed\",\"atLeast\":2}");
    List<String> profiles = new ArrayList<>();
    List<RealtimeInput> inputs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String p = newProfile();
      profiles.add(p);
      inputs.add(change(REDELIVER, p, 1, i % 2 == 0 ? "pro" : "free"));
      inputs.add(event(track(REDELIVER, p, "Order Completed", Instant.now(), Map.of())));
      inputs.add(event(track(REDELIVER, p, "Order Completed", Instant.now(), Map.of())));
      inputs.add(change(REDELIVER, p, 2, i % 3 == 0 ? "pro" : "free"));
    }
    apply(inputs);
    List<String> rows = storedRows(REDELIVER);
    long history = historyCount(REDELIVER);
    Map<String, Set<String>> redis = redisState(REDELIVER, profiles, List.of("d-pro", "d-orders"));
    assertThat(history).isPositive();
    assertThat(redis.get("d-orders")).containsExactlyInAnyOrderElementsOf(profiles);

    apply(inputs); // the same batch again, as after a crash before the offsets were committed

    assertThat(storedRows(REDELIVER)).isEqualTo(rows); // not even rewritten (updatedAt)
    assertThat(historyCount(REDELIVER)).isEqualTo(history); // no history, no outbox messages
    assertThat(redisState(REDELIVER, profiles, List.of("d-pro", "d-orders"))).isEqualTo(redis);
  }

  /**
   * While a batch waits (a row of its profile is locked), the channel's consumers fetch only a few
   * polls ahead of it, not the whole backlog: every fetched record stays in memory until applied,
   * and with the connector's default (128 polls requested per consumer) a backlog was read into the
   * heap. Once the row is free, the whole backlog is applied.
   */
  @Test
  void consumersFetchOnlyAFewPollsAheadOfABatchThatWaits() throws Exception {
    Api.createSegment(BATCH, "b-held-done", "{\"event\":\"Held Done\"}");
    String p = newProfile();
    apply(List.of(change(BATCH, p, 1, "free"))); // the row to hold
    int backlog = 10_000;
    int maxPollRecords =
        ConfigProvider.getConfig()
            .getValue("mp.messaging.incoming.events-resolved.max.poll.records", Integer.class);
    long before = fetched("events-resolved");
    SqlConnection other = pool.getConnection().await().atMost(Duration.ofSeconds(10));
    try {
      Transaction tx = other.begin().await().atMost(Duration.ofSeconds(10));
      other
          .preparedQuery("select key from profile_state where key = $1 for update")
          .execute(Tuple.of(BATCH + ":" + p))
          .await()
          .atMost(Duration.ofSeconds(10));
      List<ProducerRecord<String, String>> records = new ArrayList<>();
      for (int i = 0; i < backlog - 1; i++) {
        records.add(TestKafka.record(track(BATCH, p, "Held Page", Instant.now(), Map.of())));
      }
      records.add(TestKafka.record(track(BATCH, p, "Held Done", Instant.now(), Map.of())));
      TestKafka.sendTogether(records); // one profile: one partition, one consumer

      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  !query(
                          "select query from pg_stat_activity where wait_event_type = 'Lock'"
                              + " and query like '%from profile_state%'",
                          Tuple.tuple())
                      .isEmpty());
      long[] last = {-1};
      await() // until the consumers stop fetching (3 s without a new record)
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(3))
          .until(
              () -> {
                long now = fetched("events-resolved");
                boolean settled = now == last[0];
                last[0] = now;
                return settled;
              });
      // the waiting poll, one requested, the consumer's queue of two and one poll in flight
      assertThat(last[0] - before)
          .as("records fetched while the batch waits")
          .isGreaterThan(0)
          .isLessThanOrEqualTo(5L * maxPollRecords);
      tx.rollback().await().atMost(Duration.ofSeconds(10));
    } finally {
      other.close().await().atMost(Duration.ofSeconds(10));
    }
    await()
        .atMost(Duration.ofSeconds(180))
        .until(
            () ->
                TestKafka.membership(BATCH).stream().anyMatch(TestKafka.entered(p, "b-held-done")));
    assertThat(fetched("events-resolved") - before).isGreaterThanOrEqualTo(backlog);
  }

  /**
   * Records the Kafka consumers of {@code channel} have handed to the service so far: the sum of
   * their positions (a position moves when a poll returns records).
   */
  private long fetched(String channel) {
    Function<Consumer<Object, Object>, Long> positions =
        consumer -> consumer.assignment().stream().mapToLong(consumer::position).sum();
    long total = 0;
    for (io.smallrye.reactive.messaging.kafka.KafkaConsumer<Object, Object> consumer :
        kafkaClients.<Object, Object>getConsumers(channel)) {
      total += consumer.runOnPollingThread(positions).await().atMost(Duration.ofSeconds(10));
    }
    return total;
  }

  /**
   * The batch's rows are locked with one statement whose keys are one array parameter: every batch
   * length sends the same statement text (an {@code IN} list was a new statement per length), and
   * the batch still waits for a profile locked by another transaction, then applies.
   */
  @Test
  void batchesOfEveryLengthLockTheirRowsWithOneStatementAndWaitForAHeldRow() throws Exception {
    Api.createSegment(LOCKS, "l-pro", "{\"trait\":\"plan\",\"op\":\"equals\",\"value\":\"pro\"}");
    List<String> profiles = new ArrayList<>();
    List<RealtimeInput> first = new ArrayList<>();
    for (int i = 0; i < 17; i++) {
      String p = newProfile();
      profiles.add(p);
      first.add(change(LOCKS, p, 1, "free"));
    }
    apply(first);
    String held = profiles.get(0);

    Set<String> lockStatements = new HashSet<>();
    long version = 1;
    for (int length : List.of(1, 4, 17)) {
      version++;
      String plan = version % 2 == 0 ? "pro" : "free";
      List<RealtimeInput> inputs = new ArrayList<>();
      for (String p : profiles.subList(0, length)) {
        inputs.add(change(LOCKS, p, version, plan));
      }
      SqlConnection other = pool.getConnection().await().atMost(Duration.ofSeconds(10));
      try {
        Transaction tx = other.begin().await().atMost(Duration.ofSeconds(10));
        other
            .preparedQuery("select key from profile_state where key = $1 for update")
            .execute(Tuple.of(LOCKS + ":" + held))
            .await()
            .atMost(Duration.ofSeconds(10));
        CompletableFuture<Void> applied =
            contexts.run(() -> batch.apply(inputs)).subscribeAsCompletionStage();
        List<String> waiting = new ArrayList<>();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  waiting.clear();
                  query(
                          "select query from pg_stat_activity where wait_event_type = 'Lock'"
                              + " and query like '%from profile_state%'",
                          Tuple.tuple())
                      .forEach(r -> waiting.add(r.getString(0)));
                  return !waiting.isEmpty();
                });
        lockStatements.addAll(waiting);
        assertThat(applied).as("waits for the held row (length %d)", length).isNotDone();
        tx.rollback().await().atMost(Duration.ofSeconds(10));
        applied.get(60, TimeUnit.SECONDS);
      } finally {
        other.close().await().atMost(Duration.ofSeconds(10));
      }
      for (String p : profiles.subList(0, length)) {
        Set<String> expected = plan.equals("pro") ? Set.of("l-pro") : Set.of();
        assertThat(version(LOCKS, p)).isEqualTo(version);
        assertThat(storedSegments(LOCKS, p)).as("PostgreSQL, %s", p).isEqualTo(expected);
        assertThat(redisSegments(LOCKS, p)).as("Redis, %s", p).isEqualTo(expected);
      }
    }
    assertThat(lockStatements).hasSize(1);
    assertThat(lockStatements.iterator().next()).contains("= any($1)").doesNotContain("$2");
  }

  // ---- helpers -------------------------------------------------------------------------------

  private DistributionSummary batchSummary() {
    return registry.find("segment.input.batch").summary();
  }

  private void apply(List<RealtimeInput> inputs) {
    contexts.run(() -> batch.apply(inputs)).await().atMost(Duration.ofSeconds(60));
  }

  private static RealtimeInput event(EventEnvelope event) {
    return new RealtimeInput.Event(event);
  }

  private static RealtimeInput change(String ws, String p, long version, String plan) {
    return new RealtimeInput.Change(
        profile(ws, p, version, Map.of("plan", plan), Map.of(), Map.of(), "traits.plan"));
  }

  private static EventEnvelope withoutMessageId(EventEnvelope e) {
    return EventEnvelopeBuilder.copyOf(e).messageId(null).build();
  }

  private static List<String> shuffled(List<String> list, Random random) {
    List<String> copy = new ArrayList<>(list);
    Collections.shuffle(copy, random);
    return copy;
  }

  private static List<String> messages(String ws, String p) {
    return TestKafka.membership(ws).stream()
        .filter(m -> m.profileId().equals(p))
        .map(m -> m.segmentId() + " " + m.kind() + " " + m.reason())
        .toList();
  }

  private List<Row> query(String sql, Tuple args) {
    List<Row> rows = new ArrayList<>();
    pool.preparedQuery(sql).execute(args).await().atMost(Duration.ofSeconds(10)).forEach(rows::add);
    return rows;
  }

  private List<String> historyRows(String ws, String p) {
    return query(
            "select segmentId, kind, reason from membership_change"
                + " where workspaceId = $1 and profileId = $2",
            Tuple.of(ws, p))
        .stream()
        .map(r -> r.getString(0) + " " + r.getString(1) + " " + r.getString(2))
        .toList();
  }

  private long unpublished(String ws, String p) {
    return query(
            "select count(*) from membership_change"
                + " where workspaceId = $1 and profileId = $2 and not published",
            Tuple.of(ws, p))
        .get(0)
        .getLong(0);
  }

  private long historyCount(String ws) {
    return query("select count(*) from membership_change where workspaceId = $1", Tuple.of(ws))
        .get(0)
        .getLong(0);
  }

  private Set<String> storedSegments(String ws, String p) {
    String segments =
        query("select segments from profile_state where key = $1", Tuple.of(ws + ":" + p))
            .get(0)
            .getString(0);
    return segments == null || segments.isBlank() ? Set.of() : Set.of(segments.split(" "));
  }

  private long version(String ws, String p) {
    return query("select version from profile_state where key = $1", Tuple.of(ws + ":" + p))
        .get(0)
        .getLong(0);
  }

  private List<String> storedRows(String ws) {
    return query(
            "select key, version, deleted, snapshot, events, segments, updatedAt::text"
                + " from profile_state where workspaceId = $1 order by key",
            Tuple.of(ws))
        .stream()
        .map(
            r -> {
              List<Object> values = new ArrayList<>();
              for (int i = 0; i < r.size(); i++) {
                values.add(r.getValue(i));
              }
              return values.toString();
            })
        .toList();
  }

  private Set<String> redisSegments(String ws, String p) {
    return cache.segmentsOf(ws, p).await().atMost(Duration.ofSeconds(10));
  }

  /** Every profile's own set and every segment's set. */
  private Map<String, Set<String>> redisState(
      String ws, List<String> profiles, List<String> segments) {
    Map<String, Set<String>> state = new HashMap<>();
    for (String p : profiles) {
      state.put(p, redisSegments(ws, p));
    }
    for (String s : segments) {
      state.put(s, new HashSet<>(Api.allMembers(ws, s)));
    }
    return state;
  }

  /**
   * Reads {@code topic} from the beginning until {@code expected} records whose value contains one
   * of {@code markers} were seen; returns their {@code dead-letter-reason} by marker.
   */
  private static Map<String, List<String>> deadLetterReasons(
      String topic, List<String> markers, int expected) {
    Map<String, List<String>> reasons = new HashMap<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class),
                ConsumerConfig.GROUP_ID_CONFIG,
                "segment-test-dlq-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      int[] seen = {0};
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                  for (String marker : markers) {
                    if (r.value() != null && r.value().contains(marker)) {
                      Header reason = r.headers().lastHeader("dead-letter-reason");
                      reasons
                          .computeIfAbsent(marker, k -> new ArrayList<>())
                          .add(
                              reason == null
                                  ? "(no reason)"
                                  : new String(reason.value(), StandardCharsets.UTF_8));
                      seen[0]++;
                      break;
                    }
                  }
                }
                return seen[0] >= expected;
              });
    }
    return reasons;
  }
}
