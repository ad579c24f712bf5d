package org.opencdp.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.opencdp.segment.support.Api.as;
import static org.opencdp.segment.support.Api.base;
import static org.opencdp.segment.support.TestKafka.profile;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
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
import org.opencdp.segment.membership.MembershipCache;
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
  @Inject MembershipCache cache;
  @Inject Pool pool;

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
        .atMost(Duration.ofSeconds(180)) // generous: the shared build machine is often loaded
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

    // one profile row held by another transaction stops the backfill mid-way (pages of 100 in
    // key order; "p5" is the 446th key): its progress is visible while it runs
    SqlConnection holder = pool.getConnection().await().indefinitely();
    Transaction held = holder.begin().await().indefinitely();
    holder
        .preparedQuery("select key from profile_state where key = $1 for update")
        .execute(Tuple.of(BACKFILL + ":p5"))
        .await()
        .indefinitely();
    String backfillId;
    try {
      backfillId =
          as(BACKFILL)
              .body("{\"id\":\"top\",\"name\":\"Top\",\"condition\":" + condition + "}")
              .post(base(BACKFILL) + "/segments")
              .then()
              .statusCode(201)
              .extract()
              .path("jobId");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> ((Number) job(backfillId).get("processed")).intValue() == 400);
      sleepOverAPage();
      Map<String, Object> midway = job(backfillId);
      assertThat(midway.get("status")).isEqualTo("RUNNING");
      assertThat(midway.get("total")).isEqualTo(PROFILES);
      assertThat(midway.get("processed")).isEqualTo(400);
      assertThat(((Number) midway.get("progress")).doubleValue()).isCloseTo(0.667, within(0.01));
    } finally {
      held.commit().await().indefinitely();
      holder.close().await().indefinitely();
    }
    Map<String, Object> job = Api.awaitJob(BACKFILL, backfillId);
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
    // members are listed in pages: a page of 50 out of 200 members points to the next one
    var firstPage =
        as(REBUILD)
            .queryParam("cursor", "0")
            .queryParam("count", 50)
            .get(base(REBUILD) + "/segments/loaded/members")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(firstPage.getList("members")).isNotEmpty().hasSizeLessThan(200);
    assertThat(firstPage.getString("next")).isNotNull();
    assertThat(Api.allMembers(REBUILD, "loaded")).hasSize(200).doesNotHaveDuplicates();
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

  /**
   * A flush racing a pipeline can leave a profile's own set naming a segment whose set lost the
   * profile. The difference is taken against the profile's set, so only a rewrite (the rebuild's
   * mode) repairs it.
   */
  @Test
  void aRewriteRepairsASegmentSetThatLostAMemberTheProfileSetStillNames() {
    String ws = "w-half-pair";
    redis
        .set(String.class)
        .sadd(MembershipCache.profileKey(ws, "p0"), "gold")
        .await()
        .indefinitely();
    var desired = List.of(new MembershipCache.Desired(ws, "p0", Set.of("gold")));

    cache.sync(desired, false).await().indefinitely();
    assertThat(
            redis
                .set(String.class)
                .sismember(MembershipCache.segmentKey(ws, "gold"), "p0")
                .await()
                .indefinitely())
        .as("a plain sync trusts the profile's set")
        .isFalse();

    cache.sync(desired, true).await().indefinitely();
    assertThat(
            redis
                .set(String.class)
                .sismember(MembershipCache.segmentKey(ws, "gold"), "p0")
                .await()
                .indefinitely())
        .isTrue();
    assertThat(
            redis
                .set(String.class)
                .smembers(MembershipCache.profileKey(ws, "p0"))
                .await()
                .indefinitely())
        .containsExactly("gold");
  }

  private static Map<String, Object> job(String jobId) {
    return as(BACKFILL)
        .get(base(BACKFILL) + "/jobs/" + jobId)
        .then()
        .statusCode(200)
        .extract()
        .as(Map.class);
  }

  private static void sleepOverAPage() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
