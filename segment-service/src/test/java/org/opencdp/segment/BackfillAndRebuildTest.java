package org.opencdp.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.segment.support.Api.as;
import static org.opencdp.segment.support.Api.base;
import static org.opencdp.segment.support.TestKafka.profile;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.SegmentMembershipChanged;
import org.opencdp.segment.support.Api;
import org.opencdp.segment.support.TestKafka;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

/** Backfill jobs with progress, the preview, and the Redis flush + rebuild. */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTest
class BackfillAndRebuildTest {
  private static final String BACKFILL = "w-backfill";
  private static final String REBUILD = "w-rebuild";
  private static final int PROFILES = 600;

  @Inject ReactiveRedisDataSource redis;

  /** Profiles with score = i % 100, plan gold for every 3rd; waits until all are held. */
  private static void loadProfiles(String ws, int count) {
    Api.createSegment(ws, "loaded", "{\"trait\":\"loaded\",\"op\":\"equals\",\"value\":true}");
    for (int i = 0; i < count; i++) {
      TestKafka.sendAsync(
          profile(
              ws,
              "p" + i,
              1,
              Map.of("score", i % 100, "plan", i % 3 == 0 ? "gold" : "free", "loaded", true),
              Map.of(),
              Map.of("email", i % 2 == 0),
              "traits.score"));
    }
    TestKafka.flush();
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                as(ws).get(base(ws) + "/segments/loaded").then().extract().<Integer>path("size")
                    == count);
  }

  @Test
  void previewCountsAndSamplesBeforeSavingAndBackfillAdmitsTheSameProfiles() {
    loadProfiles(BACKFILL, PROFILES);
    String condition =
        "{\"all\":[{\"trait\":\"score\",\"op\":\"gte\",\"value\":90},{\"consent\":\"email\"}]}";
    // score 90..99 and an even index: 5 of every 100 profiles
    int expected = PROFILES / 100 * 5;

    Map<String, Object> preview =
        as(BACKFILL)
            .body("{\"condition\":" + condition + ",\"sampleSize\":7}")
            .post(base(BACKFILL) + "/segments/preview")
            .then()
            .statusCode(200)
            .extract()
            .as(Map.class);
    assertThat(preview.get("count")).isEqualTo(expected);
    assertThat(preview.get("evaluated")).isEqualTo(PROFILES);
    @SuppressWarnings("unchecked")
    List<String> sample = (List<String>) preview.get("sample");
    assertThat(sample).hasSize(7);
    as(BACKFILL).get(base(BACKFILL) + "/segments/top").then().statusCode(404);

    Map<String, Object> job = Api.createSegment(BACKFILL, "top", condition);
    assertThat(job.get("status")).isEqualTo("SUCCEEDED");
    assertThat(job.get("total")).isEqualTo(PROFILES);
    assertThat(job.get("processed")).isEqualTo(PROFILES);
    assertThat(job.get("entered")).isEqualTo(expected);
    assertThat(((Number) job.get("progress")).doubleValue()).isEqualTo(1.0);
    assertThat(job.get("startedAt")).isNotNull();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> observed = (List<Map<String, Object>>) job.get("observed");
    List<Integer> processed = observed.stream().map(j -> (Integer) j.get("processed")).toList();
    assertThat(processed).isSorted();

    List<String> members = Api.allMembers(BACKFILL, "top");
    assertThat(members).hasSize(expected).containsAll(sample);
    for (String m : members) {
      int i = Integer.parseInt(m.substring(1));
      assertThat(i % 100).isGreaterThanOrEqualTo(90);
      assertThat(i % 2).isZero();
    }
    TestKafka.awaitMembership(
        BACKFILL, m -> m.segmentId().equals("top") && "backfill".equals(m.reason()));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                TestKafka.membership(BACKFILL).stream()
                        .filter(m -> m.segmentId().equals("top"))
                        .count()
                    == expected);

    // changing the condition backfills again: members that no longer match exit
    String jobId =
        as(BACKFILL)
            .body(
                "{\"name\":\"Top\",\"condition\":{\"all\":[{\"trait\":\"score\",\"op\":\"gte\",\"value\":95},{\"consent\":\"email\"}]}}")
            .put(base(BACKFILL) + "/segments/top")
            .then()
            .statusCode(200)
            .extract()
            .path("jobId");
    Map<String, Object> second = Api.awaitJob(BACKFILL, jobId);
    assertThat(second.get("exited")).isEqualTo(PROFILES / 100 * 3); // 90, 92, 94
    assertThat(second.get("entered")).isEqualTo(0);
    assertThat(Api.allMembers(BACKFILL, "top")).hasSize(PROFILES / 100 * 2);
    List<Map<String, Object>> history =
        as(BACKFILL)
            .queryParam("profileId", "p90")
            .get(base(BACKFILL) + "/segments/top/history")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("$");
    assertThat(history).extracting(h -> h.get("kind")).containsExactly("EXITED", "ENTERED");
  }

  @Test
  void flushingRedisAndRebuildingRestoresIdenticalMembership() {
    loadProfiles(REBUILD, 200);
    Api.createSegment(REBUILD, "gold", "{\"trait\":\"plan\",\"op\":\"equals\",\"value\":\"gold\"}");
    Api.createSegment(REBUILD, "mailable", "{\"consent\":\"email\"}");
    Api.createSegment(
        REBUILD, "gold-mailable", "{\"all\":[{\"segment\":\"gold\"},{\"segment\":\"mailable\"}]}");
    List<String> segments = List.of("loaded", "gold", "mailable", "gold-mailable");
    Map<String, Set<String>> before = snapshot(segments);
    assertThat(before.get("gold")).hasSize(67); // i % 3 == 0 below 200
    assertThat(before.get("gold-mailable")).hasSize(34); // i % 6 == 0
    Map<String, List<String>> perProfileBefore = perProfile(List.of("p0", "p1", "p3", "p6"));
    int messagesBefore = TestKafka.membership(REBUILD).size();

    redis.flushall().await().indefinitely();
    assertThat(Api.allMembers(REBUILD, "gold")).isEmpty();
    assertThat(Api.isMember(REBUILD, "gold", "p0")).isFalse();

    Map<String, Object> accepted =
        as(REBUILD)
            .post(base(REBUILD) + "/membership/rebuild")
            .then()
            .statusCode(202)
            .extract()
            .as(Map.class);
    Map<String, Object> job = Api.awaitJob(REBUILD, (String) accepted.get("id"));
    assertThat(job.get("processed")).isEqualTo(200);
    assertThat(job.get("entered")).isEqualTo(0);
    assertThat(job.get("exited")).isEqualTo(0);

    assertThat(snapshot(segments)).isEqualTo(before);
    assertThat(perProfile(List.of("p0", "p1", "p3", "p6"))).isEqualTo(perProfileBefore);
    assertThat(Api.isMember(REBUILD, "gold", "p0")).isTrue();
    // a rebuild is not a membership change: nothing new was published
    assertThat(TestKafka.membership(REBUILD)).hasSize(messagesBefore);
    assertThat(messagesBefore)
        .isEqualTo(
            (int)
                TestKafka.membership(REBUILD).stream()
                    .map(SegmentMembershipChanged::changeId)
                    .distinct()
                    .count());
  }

  private static Map<String, Set<String>> snapshot(List<String> segments) {
    Map<String, Set<String>> result = new HashMap<>();
    for (String s : segments) {
      result.put(s, new TreeSet<>(Api.allMembers(REBUILD, s)));
    }
    return result;
  }

  private static Map<String, List<String>> perProfile(List<String> profiles) {
    Map<String, List<String>> result = new HashMap<>();
    for (String p : profiles) {
      result.put(p, new ArrayList<>(new TreeSet<>(Api.segmentsOf(REBUILD, p))));
    }
    return result;
  }
}
