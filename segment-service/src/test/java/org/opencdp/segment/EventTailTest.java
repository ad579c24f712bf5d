package org.opencdp.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.segment.support.TestKafka.profile;
import static org.opencdp.segment.support.TestKafka.track;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.segment.config.Contexts;
import org.opencdp.segment.evaluation.InputBatch;
import org.opencdp.segment.evaluation.RealtimeInput;
import org.opencdp.segment.support.Api;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

/**
 * Events that no segment reads are appended to the row's {@code events_tail} without rewriting the
 * kept occurrences; every reader (backfill, real-time evaluation) sees them folded in exactly, a
 * redelivered one counted once; the UPDATE of such an event leaves the stored {@code events} and
 * {@code snapshot} values as they are. Real Kafka, PostgreSQL and Redis.
 */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTest
class EventTailTest {
  private static final String TAIL = "w-tail";
  private static final String SQL = "w-tail-sql";

  @Inject InputBatch batch;
  @Inject Contexts contexts;
  @Inject Pool pool;
  @Inject MeterRegistry registry;

  @Test
  void segmentsCreatedAfterTailAppendsCountTheOccurrencesExactlyAndARealtimeReadFoldsThem() {
    Api.createSegment(TAIL, "t-pro", "{\"trait\":\"plan\",\"op\":\"equals\",\"value\":\"pro\"}");
    String p = "p-" + UUID.randomUUID();
    apply(List.of(change(TAIL, p, 1)));
    List<EventEnvelope> sent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      EventEnvelope e = track(TAIL, p, "Tail Event", Instant.now(), Map.of("n", i));
      sent.add(e);
      apply(List.of(new RealtimeInput.Event(e))); // one batch each: the stored tail grows
    }
    apply(List.of(new RealtimeInput.Event(sent.get(2)))); // redelivered

    // all five and the duplicate were appended (the row lock does not read the kept
    // occurrences), nothing folded
    assertThat(tailEntries(TAIL, p)).isEqualTo(6);
    assertThat(column("events", TAIL, p)).isNull();

    // backfills read the tail folded in: 5 distinct occurrences, the duplicate counted once
    Api.createSegment(TAIL, "t-five", "{\"event\":\"Tail Event\",\"atLeast\":5}");
    Api.createSegment(TAIL, "t-six", "{\"event\":\"Tail Event\",\"atLeast\":6}");
    assertThat(Api.isMember(TAIL, "t-five", p)).isTrue();
    assertThat(Api.isMember(TAIL, "t-six", p)).isFalse();
    assertThat(tailEntries(TAIL, p)).isEqualTo(6); // a backfill writes only the segments

    // now segments read the event: the next one is added exactly, the tail folded and written
    apply(
        List.of(
            new RealtimeInput.Event(track(TAIL, p, "Tail Event", Instant.now(), Map.of())),
            new RealtimeInput.Event(sent.get(0)))); // and a redelivery, known now: ignored
    assertThat(Api.isMember(TAIL, "t-six", p)).isTrue();
    assertThat(column("events_tail", TAIL, p)).isNull();
    assertThat(column("events", TAIL, p).split(sent.get(0).messageId(), -1)).hasSize(2);
  }

  /**
   * PostgreSQL keeps the stored (TOASTed) value of {@code events} and {@code snapshot} when an
   * unread event only appends to the tail: the value's TOAST chunk id ({@code
   * pg_column_toast_chunk_id}, PostgreSQL 17) stays the same; the fold writes a new one.
   */
  @Test
  void anUnreadEventRewritesNeitherTheKeptOccurrencesNorTheSnapshotUntilTheTailIsFull() {
    int tailMax = ConfigProvider.getConfig().getValue("cdp.segment.events.tail-max", Integer.class);
    Random random = new Random(3);
    String p = "p-" + UUID.randomUUID();
    List<RealtimeInput> first = new ArrayList<>();
    first.add(
        new RealtimeInput.Change(
            profile(
                SQL, p, 1, Map.of("bio", noise(random, 6000)), Map.of(), Map.of(), "traits.bio")));
    for (int i = 0; i < 40; i++) { // kilobytes that compress badly: stored out of line
      first.add(
          new RealtimeInput.Event(
              track(SQL, p, "Unread Event", Instant.now(), Map.of("r", noise(random, 200)))));
    }
    apply(first); // inserted
    List<Long> stored = toastChunks(p);
    assertThat(stored).doesNotContainNull();

    apply(List.of(unread(p))); // the tail, segments and updatedAt only
    assertThat(tailEntries(SQL, p)).isEqualTo(1);
    assertThat(toastChunks(p)).isEqualTo(stored);

    List<RealtimeInput> more = new ArrayList<>();
    for (int i = 1; i < tailMax; i++) {
      more.add(unread(p));
    }
    apply(more); // the tail reaches its bound
    assertThat(tailEntries(SQL, p)).isEqualTo(tailMax);
    assertThat(toastChunks(p)).isEqualTo(stored);

    apply(List.of(unread(p))); // one more: folded into the kept occurrences
    assertThat(column("events_tail", SQL, p)).isNull();
    assertThat(column("events", SQL, p).split("\\[\"", -1)).hasSize(40 + tailMax + 1 + 1);
    List<Long> folded = toastChunks(p);
    assertThat(folded.get(0)).isNotEqualTo(stored.get(0)); // events written again
    assertThat(folded.get(1)).isEqualTo(stored.get(1)); // the snapshot still not
  }

  /**
   * The row lock does not read the kept occurrences ({@code events}, kilobytes decompressed and
   * decoded per row); a batch reads them only for profiles whose inputs use them.
   */
  @Test
  void theKeptOccurrencesAreReadOnlyForInputsThatUseThem() {
    Api.createSegment(TAIL, "t-used", "{\"event\":\"Used Event\",\"atLeast\":2}");
    String p = "p-" + UUID.randomUUID();
    apply(
        List.of(
            change(TAIL, p, 1),
            new RealtimeInput.Event(track(TAIL, p, "Used Event", Instant.now(), Map.of()))));
    assertThat(column("events", TAIL, p)).contains("Used Event");

    double before = occurrencesRead();
    apply(List.of(new RealtimeInput.Event(track(TAIL, p, "Unused", Instant.now(), Map.of()))));
    assertThat(occurrencesRead()).isEqualTo(before); // appended to the tail only
    assertThat(tailEntries(TAIL, p)).isEqualTo(1);

    apply(List.of(new RealtimeInput.Event(track(TAIL, p, "Used Event", Instant.now(), Map.of()))));
    assertThat(occurrencesRead()).isEqualTo(before + 1);
    assertThat(Api.isMember(TAIL, "t-used", p)).isTrue(); // the stored one was counted
    assertThat(column("events", TAIL, p)).contains("Unused"); // the tail folded in

    apply(List.of(change(TAIL, p, 2))); // segments evaluated on a snapshot: read too
    assertThat(occurrencesRead()).isEqualTo(before + 2);
    assertThat(Api.isMember(TAIL, "t-used", p)).isTrue();
  }

  @Test
  void oneBatchWritesRowsWhoseChangedColumnsDiffer() {
    Api.createSegment(TAIL, "t-read", "{\"event\":\"Read Event\"}");
    List<String> profiles = new ArrayList<>();
    List<RealtimeInput> first = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String p = "p-" + UUID.randomUUID();
      profiles.add(p);
      first.add(change(TAIL, p, 1));
      first.add(new RealtimeInput.Event(track(TAIL, p, "Other", Instant.now(), Map.of())));
    }
    apply(first);
    // per profile a different set of changed columns: snapshot; tail; events; snapshot and tail
    List<RealtimeInput> mixed = new ArrayList<>();
    for (int i = 0; i < profiles.size(); i++) {
      String p = profiles.get(i);
      if (i % 3 == 0) {
        mixed.add(change(TAIL, p, 2));
      }
      if (i % 3 == 1 || i % 2 == 0) {
        mixed.add(new RealtimeInput.Event(track(TAIL, p, "Other", Instant.now(), Map.of())));
      }
      if (i % 3 == 2) {
        mixed.add(new RealtimeInput.Event(track(TAIL, p, "Read Event", Instant.now(), Map.of())));
      }
    }
    apply(mixed);
    for (int i = 0; i < profiles.size(); i++) {
      String p = profiles.get(i);
      assertThat(version(TAIL, p)).isEqualTo(i % 3 == 0 ? 2 : 1);
      assertThat(Api.isMember(TAIL, "t-read", p)).isEqualTo(i % 3 == 2);
      assertThat(tailEntries(TAIL, p)).isEqualTo(i % 3 != 2 && (i % 3 == 1 || i % 2 == 0) ? 1 : 0);
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static RealtimeInput unread(String p) {
    return new RealtimeInput.Event(track(SQL, p, "Unread Event", Instant.now(), Map.of("i", 1)));
  }

  private static RealtimeInput change(String ws, String p, long version) {
    return new RealtimeInput.Change(
        profile(ws, p, version, Map.of("plan", "free"), Map.of(), Map.of(), "traits.plan"));
  }

  private double occurrencesRead() {
    return registry.counter("segment.occurrences.read").count();
  }

  private void apply(List<RealtimeInput> inputs) {
    contexts.run(() -> batch.apply(inputs)).await().atMost(Duration.ofSeconds(60));
  }

  private long tailEntries(String ws, String p) {
    return query(
            "select coalesce(length(events_tail) - length(replace(events_tail, E'\\n', '')), 0)"
                + " from profile_state where key = $1",
            Tuple.of(ws + ":" + p))
        .get(0)
        .getLong(0);
  }

  /** TOAST chunk ids of the stored {@code events} and {@code snapshot} values. */
  private List<Long> toastChunks(String p) {
    Row row =
        query(
                "select pg_column_toast_chunk_id(events)::bigint,"
                    + " pg_column_toast_chunk_id(snapshot)::bigint from profile_state where key = $1",
                Tuple.of(SQL + ":" + p))
            .get(0);
    return java.util.Arrays.asList(row.getLong(0), row.getLong(1));
  }

  private static final String ALPHANUMERIC =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private static String noise(Random random, int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
    }
    return text.toString();
  }

  private long version(String ws, String p) {
    return query("select version from profile_state where key = $1", Tuple.of(ws + ":" + p))
        .get(0)
        .getLong(0);
  }

  private String column(String column, String ws, String p) {
    return query("select " + column + " from profile_state where key = $1", Tuple.of(ws + ":" + p))
        .get(0)
        .getString(0);
  }

  private long updatesOfEventsOrSnapshot(String p) {
    return query("select count(*) from tail_test_updates where key = $1", Tuple.of(SQL + ":" + p))
        .get(0)
        .getLong(0);
  }

  private List<Row> query(String sql, Tuple args) {
    List<Row> rows = new ArrayList<>();
    pool.preparedQuery(sql).execute(args).await().atMost(Duration.ofSeconds(10)).forEach(rows::add);
    return rows;
  }
}
