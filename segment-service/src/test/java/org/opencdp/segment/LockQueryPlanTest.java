package org.opencdp.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.segment.support.TestKafka.track;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hibernate.metamodel.MappingMetamodel;
import org.hibernate.query.spi.QueryInterpretationCache;
import org.hibernate.reactive.mutiny.Mutiny;
import org.junit.jupiter.api.Test;
import org.opencdp.segment.config.Contexts;
import org.opencdp.segment.evaluation.InputBatch;
import org.opencdp.segment.evaluation.RealtimeInput;
import org.opencdp.segment.profile.ProfileStateRepository;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

/**
 * Hibernate adds a plan cache entry for every call of the row-lock query of real-time batches (a
 * native query with an entity result misses its cache every time, all entries with one hash); the
 * cache is bounded small enough that looking it up stays cheap. Real Kafka, PostgreSQL and Redis.
 */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTest
class LockQueryPlanTest {
  private static final String WS = "w-lock-plan";
  private static final int MAX_PLANS = 128; // quarkus.hibernate-orm.query.query-plan-cache-max-size

  @Inject InputBatch batch;
  @Inject ProfileStateRepository rows;
  @Inject Contexts contexts;
  @Inject Mutiny.SessionFactory sessions;

  @Test
  void rowLocksCannotFillThePlanCache() {
    List<RealtimeInput> created =
        List.of(
            new RealtimeInput.Event(track(WS, "p-1", "Plan Probe", Instant.now(), Map.of())),
            new RealtimeInput.Event(track(WS, "p-2", "Plan Probe", Instant.now(), Map.of())));
    contexts.run(() -> batch.apply(created)).await().atMost(Duration.ofSeconds(60));
    // earlier tests' batches may have filled the cache to its bound: start from an empty one
    // (close() only clears it)
    interpretations().close();
    int before = interpretations().getNumberOfCachedQueryPlans();

    for (int i = 0; i < 3 * MAX_PLANS; i++) {
      List<String> keys = List.of(WS + ":p-1", WS + ":p-2");
      contexts
          .run(() -> Panache.withTransaction(() -> rows.lockAll(keys)))
          .await()
          .atMost(Duration.ofSeconds(60));
    }

    // each lock added an entry (the miss this bound is for) ...
    assertThat(interpretations().getNumberOfCachedQueryPlans()).isGreaterThan(before);
    // ... and the cache keeps no more than its bound (eviction is asynchronous: give it a moment)
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> interpretations().getNumberOfCachedQueryPlans() <= MAX_PLANS);
  }

  private QueryInterpretationCache interpretations() {
    MappingMetamodel metamodel = (MappingMetamodel) sessions.getMetamodel();
    return metamodel
        .getTypeConfiguration()
        .getSessionFactory()
        .getQueryEngine()
        .getInterpretationCache();
  }
}
