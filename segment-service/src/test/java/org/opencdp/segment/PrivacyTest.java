package org.opencdp.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.segment.support.Api.as;
import static org.opencdp.segment.support.Api.base;
import static org.opencdp.segment.support.TestKafka.awaitMembership;
import static org.opencdp.segment.support.TestKafka.entered;
import static org.opencdp.segment.support.TestKafka.exited;
import static org.opencdp.segment.support.TestKafka.profile;
import static org.opencdp.segment.support.TestKafka.track;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.KeyScanArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.contracts.PrivacyRequest;
import org.opencdp.contracts.PrivacyStatus;
import org.opencdp.contracts.SegmentMembershipChanged;
import org.opencdp.segment.membership.Timers;
import org.opencdp.segment.support.Api;
import org.opencdp.segment.support.TestKafka;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

/**
 * Privacy requests on the real topics: the request arrives on cdp.privacy.requests as the
 * profile-service publishes it, the answer is read back from cdp.privacy.status, and what is left
 * is checked in the real Redis and PostgreSQL.
 */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTest
class PrivacyTest {
  private static final String WS = "w-privacy";

  @Inject ReactiveRedisDataSource redis;
  @Inject Pool pool;
  @Inject Timers timers;

  @BeforeAll
  static void readers() {
    TestKafka.startReader();
    TestKafka.startStatusReader();
  }

  private static String newProfile() {
    return "p-" + UUID.randomUUID();
  }

  @Test
  void aDeletedMemberLeavesNoTraceAndTheRequestIsAnsweredDone() {
    Api.createSegment(WS, "del-pro", "{\"trait\":\"plan\",\"op\":\"equals\",\"value\":\"pro\"}");
    Api.createSegment(
        WS, "del-recent", "{\"trait\":\"last_login\",\"op\":\"within_last_days\",\"days\":7}");
    Api.createSegment(WS, "del-buyer", "{\"event\":\"Order Completed\"}");
    Api.createSegment(
        WS,
        "del-lapsed",
        "{\"event\":\"Order Completed\",\"performed\":false,\"withinLastDays\":30}");
    String p = newProfile();
    String other = newProfile();
    String merged = newProfile();
    Instant now = Instant.now();
    TestKafka.send(
        profile(
            WS,
            p,
            1,
            Map.of(
                "plan",
                "pro",
                "email",
                "erase-me@example.com",
                "last_login",
                now.minus(1, ChronoUnit.DAYS).toString()),
            Map.of(),
            Map.of(),
            "traits.plan"));
    TestKafka.send(profile(WS, other, 1, Map.of("plan", "pro"), Map.of(), Map.of(), "traits.plan"));
    TestKafka.send(track(WS, p, "Order Completed", now, Map.of("total", 10)));
    TestKafka.send(track(WS, merged, "Order Completed", now, Map.of()));
    awaitMembership(WS, entered(p, "del-pro"));
    awaitMembership(WS, entered(p, "del-recent"));
    awaitMembership(WS, entered(p, "del-buyer"));
    awaitMembership(WS, entered(other, "del-pro"));
    awaitMembership(WS, entered(merged, "del-buyer"));
    // a profile merged into p earlier: its history goes with p, as in the profile-service
    TestKafka.send(
        new IdentityChange(
            UUID.randomUUID().toString(),
            WS,
            IdentityChange.Kind.MERGED,
            p,
            merged,
            List.of(),
            "same email",
            null,
            Instant.now()));
    awaitMembership(WS, exited(merged, "del-buyer"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> timerOf("del-recent", p) != null && timerOf("del-lapsed", p) != null);
    assertThat(historyRows(p)).isPositive();
    assertThat(historyRows(merged)).isPositive();
    assertThat(size("del-pro")).isEqualTo(2);
    long messagesAboutThem = messagesAbout(p, merged);

    PrivacyRequest request = TestKafka.sendPrivacyRequest(WS, p, PrivacyRequest.Kind.DELETE);
    PrivacyStatus answer = TestKafka.awaitPrivacyStatuses(request.requestId(), 1).get(0);
    assertThat(answer.service()).isEqualTo("segment-service");
    assertThat(answer.state()).isEqualTo(PrivacyStatus.State.DONE);
    assertThat(answer.workspaceId()).isEqualTo(WS);
    assertThat(answer.detail()).isNull();

    // Redis: in no segment set, no set of its own, counts follow
    for (String segment : List.of("del-pro", "del-recent", "del-buyer", "del-lapsed")) {
      assertThat(Api.isMember(WS, segment, p)).as(segment).isFalse();
    }
    assertThat(Api.segmentsOf(WS, p)).isEmpty();
    assertThat(redisKeysMentioning(p)).isEmpty();
    assertThat(redisKeysMentioning(merged)).isEmpty();
    assertThat(size("del-pro")).isEqualTo(1);
    assertThat(Api.allMembers(WS, "del-pro")).containsExactly(other);
    // timers: none left for the profile
    List<String> allTimers =
        redis.sortedSet(String.class).zrange("seg:timers", 0, -1).await().indefinitely();
    assertThat(allTimers).noneMatch(t -> t.contains(p) || t.contains(merged));
    // PostgreSQL: no history rows, the row is a tombstone without data
    assertThat(historyRows(p)).isZero();
    assertThat(historyRows(merged)).isZero();
    assertThat(history("/profiles/" + p + "/history")).isEmpty();
    assertThat(history("/segments/del-pro/history?profileId=" + p)).isEmpty();
    Row row = stateRow(p);
    assertThat(row.getBoolean("deleted")).isTrue();
    assertThat(row.getString("snapshot")).doesNotContain("pro", "example.com", "last_login");
    assertThat(row.getString("events")).isEqualTo("{}");
    assertThat(row.getString("segments")).isEmpty();
    assertThat(history("/profiles/" + other + "/history")).isNotEmpty();

    // late messages for the erased profile do not bring it back; none of this was published
    TestKafka.send(profile(WS, p, 7, Map.of("plan", "pro"), Map.of(), Map.of(), "traits.plan"));
    TestKafka.send(track(WS, p, "Order Completed", Instant.now(), Map.of()));
    TestKafka.send(
        profile(WS, other, 2, Map.of("plan", "free"), Map.of(), Map.of(), "traits.plan"));
    awaitMembership(WS, exited(other, "del-pro"));
    TestKafka.send(track(WS, other, "Order Completed", Instant.now(), Map.of()));
    awaitMembership(WS, entered(other, "del-buyer"));
    assertThat(Api.segmentsOf(WS, p)).isEmpty();
    assertThat(historyRows(p)).isZero();
    assertThat(messagesAbout(p, merged)).isEqualTo(messagesAboutThem);

    // a replayed request is answered DONE again and changes nothing
    TestKafka.send(request);
    List<PrivacyStatus> answers = TestKafka.awaitPrivacyStatuses(request.requestId(), 2);
    assertThat(answers).extracting(PrivacyStatus::state).containsOnly(PrivacyStatus.State.DONE);
    assertThat(redisKeysMentioning(p)).isEmpty();
  }

  @Test
  void anonymizeForgetsTheTraitsAndKeepsBehaviour() {
    Api.createSegment(WS, "an-pro", "{\"trait\":\"plan\",\"op\":\"equals\",\"value\":\"pro\"}");
    Api.createSegment(WS, "an-buyer", "{\"event\":\"Order Completed\"}");
    Api.createSegment(WS, "an-mailable", "{\"consent\":\"email\"}");
    String p = newProfile();
    TestKafka.send(
        profile(
            WS,
            p,
            1,
            Map.of("plan", "pro", "email", "anon-me@example.com"),
            Map.of("orders", 1),
            Map.of("email", true),
            "traits.plan"));
    TestKafka.send(track(WS, p, "Order Completed", Instant.now(), Map.of()));
    awaitMembership(WS, entered(p, "an-pro"));
    awaitMembership(WS, entered(p, "an-buyer"));
    awaitMembership(WS, entered(p, "an-mailable"));

    PrivacyRequest request = TestKafka.sendPrivacyRequest(WS, p, PrivacyRequest.Kind.ANONYMIZE);
    assertThat(TestKafka.awaitPrivacyStatuses(request.requestId(), 1).get(0).state())
        .isEqualTo(PrivacyStatus.State.DONE);
    SegmentMembershipChanged exit = awaitMembership(WS, exited(p, "an-pro"));
    assertThat(exit.reason()).isEqualTo("privacy request: anonymized");
    assertThat(Api.isMember(WS, "an-buyer", p)).isTrue();
    assertThat(Api.isMember(WS, "an-mailable", p)).isTrue();
    String snapshot = stateRow(p).getString("snapshot");
    assertThat(snapshot).doesNotContain("anon-me@example.com", "plan").contains("orders");
    assertThat(historyRows(p)).isPositive();
  }

  @Test
  void suppressKeepsMembershipAndIsAnsweredDone() {
    Api.createSegment(WS, "sup-pro", "{\"trait\":\"plan\",\"op\":\"equals\",\"value\":\"pro\"}");
    String p = newProfile();
    TestKafka.send(profile(WS, p, 1, Map.of("plan", "pro"), Map.of(), Map.of(), "traits.plan"));
    awaitMembership(WS, entered(p, "sup-pro"));
    PrivacyRequest request = TestKafka.sendPrivacyRequest(WS, p, PrivacyRequest.Kind.SUPPRESS);
    assertThat(TestKafka.awaitPrivacyStatuses(request.requestId(), 1).get(0).state())
        .isEqualTo(PrivacyStatus.State.DONE);
    assertThat(Api.isMember(WS, "sup-pro", p)).isTrue();
  }

  @Test
  void aRequestWithoutProfileIsAnsweredFailedWithAReason() {
    PrivacyRequest incomplete =
        new PrivacyRequest(
            UUID.randomUUID().toString(),
            WS,
            PrivacyRequest.Kind.DELETE,
            null,
            List.of(),
            Instant.now());
    TestKafka.send(incomplete);
    PrivacyStatus answer = TestKafka.awaitPrivacyStatuses(incomplete.requestId(), 1).get(0);
    assertThat(answer.state()).isEqualTo(PrivacyStatus.State.FAILED);
    assertThat(answer.service()).isEqualTo("segment-service");
    assertThat(answer.detail()).contains("profileId");

    // a profile this service never saw is erased trivially
    PrivacyRequest unknown =
        TestKafka.sendPrivacyRequest(WS, newProfile(), PrivacyRequest.Kind.DELETE);
    assertThat(TestKafka.awaitPrivacyStatuses(unknown.requestId(), 1).get(0).state())
        .isEqualTo(PrivacyStatus.State.DONE);
  }

  // ---- helpers -----------------------------------------------------------------------------

  private Double timerOf(String segment, String profileId) {
    return timers.scoreOf(new Timers.Timer(WS, segment, profileId)).await().indefinitely();
  }

  private long historyRows(String profileId) {
    return pool.preparedQuery(
            "select count(*) from membership_change where workspaceId = $1 and profileId = $2")
        .execute(Tuple.of(WS, profileId))
        .await()
        .indefinitely()
        .iterator()
        .next()
        .getLong(0);
  }

  private Row stateRow(String profileId) {
    return pool.preparedQuery(
            "select deleted, snapshot, events, segments from profile_state where key = $1")
        .execute(Tuple.of(WS + ":" + profileId))
        .await()
        .indefinitely()
        .iterator()
        .next();
  }

  /** Membership keys of the workspace naming the profile: its own set, or a set it is in. */
  private List<String> redisKeysMentioning(String profileId) {
    List<String> keys =
        redis
            .key(String.class)
            .scan(new KeyScanArgs().match("seg:{" + WS + "}:*").count(1000))
            .toMulti()
            .collect()
            .asList()
            .await()
            .indefinitely();
    return keys.stream()
        .filter(
            key ->
                key.endsWith(":p:" + profileId)
                    || redis.set(String.class).sismember(key, profileId).await().indefinitely())
        .toList();
  }

  private static long size(String segment) {
    return ((Number) as(WS).get(base(WS) + "/segments/" + segment).then().extract().path("size"))
        .longValue();
  }

  private static List<Object> history(String path) {
    return as(WS).get(base(WS) + path).then().statusCode(200).extract().jsonPath().getList("$");
  }

  private static long messagesAbout(String... profileIds) {
    List<String> ids = List.of(profileIds);
    return TestKafka.membership(WS).stream().filter(m -> ids.contains(m.profileId())).count();
  }
}
