package org.opencdp.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.segment.support.TestKafka.profile;
import static org.opencdp.segment.support.TestKafka.track;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencdp.segment.config.Contexts;
import org.opencdp.segment.evaluation.InputBatch;
import org.opencdp.segment.evaluation.RealtimeInput;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

/**
 * The rewrite of a profile's row (here: an event no segment reads, appended to the tail) stays on
 * the row's page, where PostgreSQL can keep it out of the table's three indexes (a heap-only
 * update). With the default fill factor the pages of freshly written rows are full, and every such
 * update moved the row to another page and added an entry to every index. Real Kafka, PostgreSQL
 * and Redis.
 */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTest
class ProfileRowUpdateTest {
  private static final String WS = "w-row-update";
  private static final int PROFILES = 64;

  @Inject InputBatch batch;
  @Inject Contexts contexts;
  @Inject Pool pool;

  @Test
  void anEventNoSegmentReadsRewritesTheRowOnItsOwnPage() {
    String padding = "x".repeat(400); // rows of about half a kilobyte: several pages of them
    List<RealtimeInput> created = new ArrayList<>();
    for (int i = 0; i < PROFILES; i++) {
      created.add(
          new RealtimeInput.Change(
              profile(
                  WS,
                  profileId(i),
                  1,
                  Map.of("note", padding),
                  Map.of(),
                  Map.of(),
                  "traits.note")));
    }
    apply(created);
    Map<String, Integer> pagesBefore = pages();
    Map<String, String> versionsBefore = rowVersions();
    assertThat(pagesBefore).hasSize(PROFILES);
    assertThat(pagesBefore.values().stream().distinct().count()).isGreaterThan(2);

    // one profile in eight gets an event: a few rewritten rows per page, as under load
    List<RealtimeInput> events = new ArrayList<>();
    for (int i = 0; i < PROFILES; i += 8) {
      events.add(
          new RealtimeInput.Event(
              track(WS, profileId(i), "Unread Event", Instant.now(), Map.of())));
    }
    apply(events);

    Map<String, Integer> pagesAfter = pages();
    Map<String, String> versionsAfter = rowVersions();
    for (int i = 0; i < PROFILES; i += 8) {
      String key = WS + ":" + profileId(i);
      assertThat(versionsAfter.get(key))
          .as("row %s rewritten", key)
          .isNotEqualTo(versionsBefore.get(key));
      assertThat(pagesAfter.get(key)).as("page of row %s", key).isEqualTo(pagesBefore.get(key));
    }
  }

  private static String profileId(int i) {
    return "p-%03d".formatted(i);
  }

  private void apply(List<RealtimeInput> inputs) {
    contexts.run(() -> batch.apply(inputs)).await().atMost(Duration.ofSeconds(60));
  }

  /** The heap page of each row of the workspace (the block number of its ctid). */
  private Map<String, Integer> pages() {
    Map<String, Integer> pages = new HashMap<>();
    for (Row row :
        query(
            "select key, (ctid::text::point)[0]::int from profile_state where workspaceId = $1",
            Tuple.of(WS))) {
      pages.put(row.getString(0), row.getInteger(1));
    }
    return pages;
  }

  /** The transaction that wrote each row's current version. */
  private Map<String, String> rowVersions() {
    Map<String, String> versions = new HashMap<>();
    for (Row row :
        query("select key, xmin::text from profile_state where workspaceId = $1", Tuple.of(WS))) {
      versions.put(row.getString(0), row.getString(1));
    }
    return versions;
  }

  private List<Row> query(String sql, Tuple args) {
    List<Row> rows = new ArrayList<>();
    pool.preparedQuery(sql).execute(args).await().atMost(Duration.ofSeconds(10)).forEach(rows::add);
    return rows;
  }
}
