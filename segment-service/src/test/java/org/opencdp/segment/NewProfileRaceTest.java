package org.opencdp.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.segment.support.TestKafka.profile;
import static org.opencdp.segment.support.TestKafka.track;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
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
 * Events and profile changes are consumed side by side: two real-time batches meeting one new
 * profile both succeed at once, the second reading the row the first created as stored, instead of
 * failing on the primary key and being applied again after a back-off. Real Kafka, PostgreSQL and
 * Redis.
 */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTest
class NewProfileRaceTest {
  private static final String WS = "w-race";

  @Inject InputBatch batch;
  @Inject Contexts contexts;
  @Inject Pool pool;

  @Test
  void twoBatchesMeetingOneNewProfileBothApplyAndKeepEveryInput() throws Exception {
    Api.createSegment(
        WS, "race-new-pro", "{\"trait\":\"plan\",\"op\":\"equals\",\"value\":\"pro\"}");
    String known = "p-known-" + UUID.randomUUID();
    String fresh = "p-new-" + UUID.randomUUID();
    apply(List.of(change(known, 1, "free")));
    EventEnvelope firstEvent = track(WS, fresh, "Race Event", Instant.now(), Map.of());

    // holding the known profile's row makes both batches issue their row lock (which cannot see
    // the new profile's row yet) before either of them goes on
    SqlConnection holder = pool.getConnection().await().atMost(Duration.ofSeconds(10));
    CompletableFuture<Void> events;
    CompletableFuture<Void> changes;
    try {
      holder.query("begin").execute().await().atMost(Duration.ofSeconds(10));
      holder
          .preparedQuery("select 1 from profile_state where key = $1 for update")
          .execute(Tuple.of(WS + ":" + known))
          .await()
          .atMost(Duration.ofSeconds(10));
      events =
          start(
              List.of(
                  new RealtimeInput.Event(track(WS, known, "Race Event", Instant.now(), Map.of())),
                  new RealtimeInput.Event(firstEvent)));
      changes = start(List.of(change(known, 2, "free"), change(fresh, 1, "pro")));
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> waitingForLocks() >= 2);
      holder.query("commit").execute().await().atMost(Duration.ofSeconds(10));
    } finally {
      holder.close().await().atMost(Duration.ofSeconds(10));
    }

    events.get(60, TimeUnit.SECONDS); // failed on the primary key before
    changes.get(60, TimeUnit.SECONDS);
    Row row =
        pool.preparedQuery(
                "select version, coalesce(events, '') || coalesce(events_tail, '')"
                    + " from profile_state where key = $1")
            .execute(Tuple.of(WS + ":" + fresh))
            .await()
            .atMost(Duration.ofSeconds(10))
            .iterator()
            .next();
    assertThat(row.getLong(0)).isEqualTo(1);
    assertThat(row.getString(1)).contains(firstEvent.messageId());
    assertThat(Api.isMember(WS, "race-new-pro", fresh)).isTrue();
  }

  private long waitingForLocks() {
    return pool.query(
            "select count(*) from pg_stat_activity"
                + " where wait_event_type = 'Lock' and datname = current_database()")
        .execute()
        .await()
        .atMost(Duration.ofSeconds(10))
        .iterator()
        .next()
        .getLong(0);
  }

  private CompletableFuture<Void> start(List<RealtimeInput> inputs) {
    return contexts.run(() -> batch.apply(inputs)).subscribeAsCompletionStage();
  }

  private void apply(List<RealtimeInput> inputs) {
    contexts.run(() -> batch.apply(inputs)).await().atMost(Duration.ofSeconds(60));
  }

  private static RealtimeInput change(String p, long version, String plan) {
    return new RealtimeInput.Change(
        profile(WS, p, version, Map.of("plan", plan), Map.of(), Map.of(), "traits.plan"));
  }
}
