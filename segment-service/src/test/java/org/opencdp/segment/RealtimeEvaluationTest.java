package org.opencdp.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.segment.support.TestKafka.awaitMembership;
import static org.opencdp.segment.support.TestKafka.entered;
import static org.opencdp.segment.support.TestKafka.exited;
import static org.opencdp.segment.support.TestKafka.profile;
import static org.opencdp.segment.support.TestKafka.track;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
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
import org.opencdp.contracts.SegmentMembershipChanged;
import org.opencdp.contracts.Topics;
import org.opencdp.segment.support.Api;
import org.opencdp.segment.support.TestKafka;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

/**
 * Real-time evaluation end to end: input on the real Kafka topics, state in the real PostgreSQL,
 * membership in the real Redis, membership messages read back from cdp.segments.membership.
 */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTest
class RealtimeEvaluationTest {
  private static final String TRAITS = "w-traits";
  private static final String EVENTS = "w-events";
  private static final String DEPS = "w-deps";
  private static final String MERGE = "w-merge";
  private static final String ISOLATED = "w-misc";

  @Inject MeterRegistry registry;

  @BeforeAll
  static void readMembership() {
    TestKafka.startReader();
  }

  private static String newProfile() {
    return "p-" + UUID.randomUUID();
  }

  @Test
  void everyTraitOperatorAdmitsAMatchingProfileAndOnlyIt() {
    Instant recent = Instant.now().minus(2, ChronoUnit.DAYS);
    Api.createSegment(
        TRAITS, "t-equals", "{\"trait\":\"plan\",\"op\":\"equals\",\"value\":\"pro\"}");
    Api.createSegment(
        TRAITS, "t-in", "{\"trait\":\"country\",\"op\":\"in\",\"values\":[\"FR\",\"DE\"]}");
    Api.createSegment(
        TRAITS, "t-contains", "{\"trait\":\"tags\",\"op\":\"contains\",\"value\":\"vip\"}");
    Api.createSegment(TRAITS, "t-exists", "{\"trait\":\"email\",\"op\":\"exists\"}");
    Api.createSegment(TRAITS, "t-gte", "{\"trait\":\"age\",\"op\":\"gte\",\"value\":18}");
    Api.createSegment(
        TRAITS, "t-after", "{\"trait\":\"signup\",\"op\":\"after\",\"value\":\"2024-01-01\"}");
    Api.createSegment(
        TRAITS, "t-recent", "{\"trait\":\"last_login\",\"op\":\"within_last_days\",\"days\":7}");
    Api.createSegment(
        TRAITS, "t-nested", "{\"trait\":\"address.city\",\"op\":\"equals\",\"value\":\"Lyon\"}");
    Api.createSegment(
        TRAITS, "t-computed", "{\"computed\":\"orders_30d\",\"op\":\"gt\",\"value\":2}");
    Api.createSegment(TRAITS, "t-consent", "{\"consent\":\"marketing\",\"granted\":true}");
    Api.createSegment(
        TRAITS, "t-not-equals", "{\"trait\":\"plan\",\"op\":\"not_equals\",\"value\":\"free\"}");
    Api.createSegment(
        TRAITS, "t-not-in", "{\"trait\":\"country\",\"op\":\"not_in\",\"values\":[\"US\",\"CA\"]}");
    Api.createSegment(TRAITS, "t-not-exists", "{\"trait\":\"banned\",\"op\":\"not_exists\"}");
    Api.createSegment(
        TRAITS, "t-lt-numeric-string", "{\"trait\":\"score\",\"op\":\"lt\",\"value\":20}");
    Api.createSegment(
        TRAITS, "t-before", "{\"trait\":\"renewal\",\"op\":\"before\",\"value\":\"2025-01-01\"}");
    Api.createSegment(TRAITS, "t-sms-refused", "{\"consent\":\"sms\",\"granted\":false}");

    String match = newProfile();
    String miss = newProfile();
    TestKafka.send(
        profile(
            TRAITS,
            match,
            1,
            Map.of(
                "plan",
                "pro",
                "country",
                "FR",
                "tags",
                List.of("new", "vip"),
                "email",
                "a@example.com",
                "age",
                30,
                "signup",
                "2024-06-01T10:00:00Z",
                "last_login",
                recent.toString(),
                "address",
                Map.of("city", "Lyon"),
                "score",
                "12.5",
                "renewal",
                "2024-03-01"),
            Map.of("orders_30d", 3),
            Map.of("marketing", true),
            "traits.plan"));
    TestKafka.send(
        profile(
            TRAITS,
            miss,
            1,
            Map.of(
                "plan",
                "free",
                "country",
                "US",
                "tags",
                List.of("new"),
                "age",
                17,
                "signup",
                "2023-06-01",
                "last_login",
                Instant.now().minus(30, ChronoUnit.DAYS).toString(),
                "address",
                Map.of("city", "Paris"),
                "score",
                25,
                "renewal",
                "2030-01-01",
                "banned",
                true),
            Map.of("orders_30d", 2),
            Map.of("marketing", false, "sms", true),
            "traits.plan"));

    List<String> all =
        List.of(
            "t-equals",
            "t-in",
            "t-contains",
            "t-exists",
            "t-gte",
            "t-after",
            "t-recent",
            "t-nested",
            "t-computed",
            "t-consent",
            "t-not-equals",
            "t-not-in",
            "t-not-exists",
            "t-lt-numeric-string",
            "t-before",
            "t-sms-refused");
    for (String segment : all) {
      SegmentMembershipChanged m = awaitMembership(TRAITS, entered(match, segment));
      assertThat(m.reason()).startsWith("profile changed");
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(Api.segmentsOf(TRAITS, match)).containsExactlyInAnyOrderElementsOf(all));
    assertThat(Api.segmentsOf(TRAITS, miss)).isEmpty();
    assertThat(TestKafka.membership(TRAITS)).noneMatch(m -> m.profileId().equals(miss));
    assertThat(Api.isMember(TRAITS, "t-gte", match)).isTrue();
    assertThat(Api.isMember(TRAITS, "t-gte", miss)).isFalse();
  }

  @Test
  void eventConditionsCountFilteredOccurrencesInTheirWindow() {
    Api.createSegment(
        EVENTS,
        "big-buyer",
        """
        {"event":"Order Completed","where":[{"property":"total","op":"gte","value":100}],
         "atLeast":2,"withinLastDays":30}
        """);
    Api.createSegment(
        EVENTS, "not-twice", "{\"event\":\"Order Completed\",\"atMost\":1,\"withinLastDays\":30}");
    Api.createSegment(
        EVENTS, "never-refunded", "{\"event\":\"Order Refunded\",\"performed\":false}");
    Api.createSegment(
        EVENTS,
        "two-months-ago",
        "{\"event\":\"Order Completed\",\"between\":{\"from\":\""
            + Instant.now().minus(60, ChronoUnit.DAYS)
            + "\",\"to\":\""
            + Instant.now().minus(45, ChronoUnit.DAYS)
            + "\"}}");

    String p = newProfile();
    Instant now = Instant.now();
    TestKafka.send(
        track(EVENTS, p, "Order Completed", now.minus(1, ChronoUnit.DAYS), Map.of("total", 150)));
    awaitMembership(EVENTS, entered(p, "not-twice"));
    awaitMembership(EVENTS, entered(p, "never-refunded"));
    assertThat(Api.isMember(EVENTS, "big-buyer", p)).isFalse();

    // a small order does not pass the property filter
    TestKafka.send(
        track(EVENTS, p, "Order Completed", now.minus(2, ChronoUnit.HOURS), Map.of("total", 20)));
    awaitMembership(EVENTS, exited(p, "not-twice"));
    assertThat(Api.isMember(EVENTS, "big-buyer", p)).isFalse();

    // an order outside the window does not count either
    TestKafka.send(
        track(EVENTS, p, "Order Completed", now.minus(40, ChronoUnit.DAYS), Map.of("total", 500)));
    // a big one inside it does
    TestKafka.send(
        track(EVENTS, p, "Order Completed", now.minus(1, ChronoUnit.HOURS), Map.of("total", 100)));
    SegmentMembershipChanged in = awaitMembership(EVENTS, entered(p, "big-buyer"));
    assertThat(in.reason()).isEqualTo("event: Order Completed");

    TestKafka.send(track(EVENTS, p, "Order Refunded", now, Map.of()));
    awaitMembership(EVENTS, exited(p, "never-refunded"));

    TestKafka.send(track(EVENTS, p, "Order Completed", now.minus(50, ChronoUnit.DAYS), Map.of()));
    awaitMembership(EVENTS, entered(p, "two-months-ago"));
    assertThat(TestKafka.received(EVENTS))
        .filteredOn(r -> r.message().profileId().equals(p))
        .allMatch(r -> r.key().equals(EVENTS + ":" + p));
  }

  @Test
  void redeliveredEventsAreCountedOnce() {
    Api.createSegment(EVENTS, "two-logins", "{\"event\":\"Logged In\",\"atLeast\":2}");
    String p = newProfile();
    var login = track(EVENTS, p, "Logged In", Instant.now(), Map.of());
    TestKafka.send(login);
    TestKafka.send(login);
    TestKafka.send(track(EVENTS, p, "Marker", Instant.now(), Map.of()));
    Api.createSegment(EVENTS, "marked", "{\"event\":\"Marker\"}");
    await().atMost(Duration.ofSeconds(20)).until(() -> Api.isMember(EVENTS, "marked", p));
    assertThat(Api.isMember(EVENTS, "two-logins", p)).isFalse();
    TestKafka.send(track(EVENTS, p, "Logged In", Instant.now(), Map.of()));
    awaitMembership(EVENTS, entered(p, "two-logins"));
  }

  @Test
  void nestedLogicAndSegmentReferencesFollowTheirInputs() {
    Api.createSegment(
        DEPS, "paying", "{\"trait\":\"plan\",\"op\":\"in\",\"values\":[\"pro\",\"team\"]}");
    Api.createSegment(
        DEPS,
        "reachable-payers",
        """
        {"all":[{"segment":"paying"},
                {"any":[{"consent":"email"},{"consent":"sms"}]},
                {"not":{"trait":"churn_risk","op":"equals","value":true}}]}
        """);
    String p = newProfile();
    TestKafka.send(
        profile(DEPS, p, 1, Map.of("plan", "pro"), Map.of(), Map.of("sms", true), "traits.plan"));
    awaitMembership(DEPS, entered(p, "paying"));
    awaitMembership(DEPS, entered(p, "reachable-payers"));

    TestKafka.send(
        profile(
            DEPS,
            p,
            2,
            Map.of("plan", "pro", "churn_risk", true),
            Map.of(),
            Map.of("sms", true),
            "traits.churn_risk"));
    awaitMembership(DEPS, exited(p, "reachable-payers"));
    assertThat(Api.isMember(DEPS, "paying", p)).isTrue();

    TestKafka.send(
        profile(
            DEPS,
            p,
            3,
            Map.of("plan", "free"),
            Map.of(),
            Map.of("sms", true),
            "traits.plan",
            "traits.churn_risk"));
    awaitMembership(DEPS, exited(p, "paying"));
    // reachable-payers was re-evaluated because it references paying: still out, no new message
    TestKafka.send(
        profile(DEPS, p, 4, Map.of("plan", "team"), Map.of(), Map.of("sms", true), "traits.plan"));
    awaitMembership(
        DEPS,
        m ->
            m.profileId().equals(p)
                && m.segmentId().equals("reachable-payers")
                && m.kind() == SegmentMembershipChanged.Kind.ENTERED
                && m.reason().contains("traits.plan"));
  }

  @Test
  void onlySegmentsDependingOnTheChangedFieldsAreReevaluated() {
    Api.createSegment(
        ISOLATED, "d-plan", "{\"trait\":\"plan\",\"op\":\"equals\",\"value\":\"gold\"}");
    Api.createSegment(ISOLATED, "d-score", "{\"computed\":\"score\",\"op\":\"gt\",\"value\":10}");
    Api.createSegment(ISOLATED, "d-score-ref", "{\"not\":{\"segment\":\"d-score\"}}");
    String p = newProfile();
    TestKafka.send(
        profile(
            ISOLATED, p, 1, Map.of("plan", "gold"), Map.of("score", 1), Map.of(), "traits.plan"));
    awaitMembership(ISOLATED, entered(p, "d-plan"));
    awaitMembership(ISOLATED, entered(p, "d-score-ref"));

    double before = realtimeEvaluations();
    // only computed.score changes: d-score and the segment referencing it, not d-plan
    TestKafka.send(
        profile(
            ISOLATED,
            p,
            2,
            Map.of("plan", "gold"),
            Map.of("score", 11),
            Map.of(),
            "computed.score"));
    awaitMembership(ISOLATED, entered(p, "d-score"));
    awaitMembership(ISOLATED, exited(p, "d-score-ref"));
    assertThat(realtimeEvaluations() - before).isEqualTo(2.0);

    // a change to a field no segment reads evaluates nothing
    double quiet = realtimeEvaluations();
    TestKafka.send(
        profile(
            ISOLATED,
            p,
            3,
            Map.of("plan", "gold", "nickname", "x"),
            Map.of("score", 11),
            Map.of(),
            "traits.nickname"));
    TestKafka.send(
        profile(
            ISOLATED,
            p,
            4,
            Map.of("plan", "silver", "nickname", "x"),
            Map.of("score", 11),
            Map.of(),
            "traits.plan"));
    awaitMembership(ISOLATED, exited(p, "d-plan"));
    assertThat(realtimeEvaluations() - quiet).isEqualTo(1.0);
  }

  @Test
  void olderAndRedeliveredVersionsChangeNothing() {
    Api.createSegment(DEPS, "v-gold", "{\"trait\":\"tier\",\"op\":\"equals\",\"value\":\"gold\"}");
    String p = newProfile();
    var v2 = profile(DEPS, p, 2, Map.of("tier", "gold"), Map.of(), Map.of(), "traits.tier");
    TestKafka.send(v2);
    awaitMembership(DEPS, entered(p, "v-gold"));
    TestKafka.send(v2); // redelivery
    TestKafka.send(
        profile(DEPS, p, 1, Map.of("tier", "bronze"), Map.of(), Map.of(), "traits.tier"));
    TestKafka.send(
        profile(DEPS, p, 3, Map.of("tier", "gold", "x", 1), Map.of(), Map.of(), "traits.x"));
    Api.createSegment(DEPS, "v-x", "{\"trait\":\"x\",\"op\":\"exists\"}");
    await().atMost(Duration.ofSeconds(20)).until(() -> Api.isMember(DEPS, "v-x", p));
    assertThat(Api.isMember(DEPS, "v-gold", p)).isTrue();
    assertThat(TestKafka.membership(DEPS))
        .filteredOn(m -> m.profileId().equals(p) && m.segmentId().equals("v-gold"))
        .hasSize(1);
  }

  @Test
  void aDeletedProfileExitsEverySegment() {
    Api.createSegment(DEPS, "del-a", "{\"trait\":\"a\",\"op\":\"exists\"}");
    Api.createSegment(DEPS, "del-b", "{\"consent\":\"email\"}");
    String p = newProfile();
    TestKafka.send(
        profile(DEPS, p, 1, Map.of("a", 1), Map.of(), Map.of("email", true), "traits.a"));
    awaitMembership(DEPS, entered(p, "del-a"));
    awaitMembership(DEPS, entered(p, "del-b"));
    TestKafka.send(TestKafka.deleted(DEPS, p, 2));
    assertThat(awaitMembership(DEPS, exited(p, "del-a")).reason()).isEqualTo("profile deleted");
    awaitMembership(DEPS, exited(p, "del-b"));
    await().atMost(Duration.ofSeconds(10)).until(() -> Api.segmentsOf(DEPS, p).isEmpty());
  }

  @Test
  void aMergeMovesMembershipToTheSurvivor() {
    Api.createSegment(MERGE, "m-buyer", "{\"event\":\"Order Completed\",\"atLeast\":2}");
    String survivor = newProfile();
    String merged = newProfile();
    TestKafka.send(track(MERGE, survivor, "Order Completed", Instant.now(), Map.of()));
    TestKafka.send(track(MERGE, merged, "Order Completed", Instant.now(), Map.of()));
    TestKafka.send(track(MERGE, merged, "Order Completed", Instant.now(), Map.of()));
    awaitMembership(MERGE, entered(merged, "m-buyer"));
    assertThat(Api.isMember(MERGE, "m-buyer", survivor)).isFalse();

    TestKafka.send(
        new IdentityChange(
            UUID.randomUUID().toString(),
            MERGE,
            IdentityChange.Kind.MERGED,
            survivor,
            merged,
            List.of(),
            "same email",
            null,
            Instant.now()));
    assertThat(awaitMembership(MERGE, exited(merged, "m-buyer")).reason())
        .isEqualTo("merged into " + survivor);
    awaitMembership(MERGE, entered(survivor, "m-buyer"));
    await().atMost(Duration.ofSeconds(10)).until(() -> Api.segmentsOf(MERGE, merged).isEmpty());
    assertThat(Api.allMembers(MERGE, "m-buyer")).contains(survivor).doesNotContain(merged);
  }

  @Test
  void unreadableMessagesGoToTheDeadLetterTopic() {
    TestKafka.send(Topics.PROFILES_CHANGED, "x", "{not json");
    String p = newProfile();
    Api.createSegment(MERGE, "after-poison", "{\"trait\":\"k\",\"op\":\"exists\"}");
    TestKafka.send(profile(MERGE, p, 1, Map.of("k", 1), Map.of(), Map.of(), "traits.k"));
    awaitMembership(MERGE, entered(p, "after-poison"));
  }

  private double realtimeEvaluations() {
    var counter = registry.find("segment.evaluations").tag("trigger", "realtime").counter();
    return counter == null ? 0 : counter.count();
  }
}
