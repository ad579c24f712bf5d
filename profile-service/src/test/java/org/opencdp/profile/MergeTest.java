package org.opencdp.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.opencdp.profile.Api.as;
import static org.opencdp.profile.Api.awaitEvents;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.MongoResource;

@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(MongoResource.class)
@QuarkusTest
class MergeTest {
  private static final String WS = "ws-d";
  private final Instant base =
      Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofHours(2));

  private record Pair(String survivor, String merged, String anonymousId) {}

  /**
   * Survivor: known user (plan pro at +10s, city Paris at +10s, one order). Merged: anonymous
   * visitor (plan enterprise at +20s, city Lyon at +0s, one order).
   */
  private Pair twoProfiles() {
    as(WS)
        .contentType(ContentType.JSON)
        .body(Map.of("aggregation", "COUNT", "event", "Order Completed"))
        .put("/v1/computed-traits/orders_all")
        .then()
        .statusCode(200);
    String survivor = Events.newProfileId();
    String merged = Events.newProfileId();
    String anonymousId = "anon-" + UUID.randomUUID();
    TestKafka.send(
        Events.identify(
            WS,
            survivor,
            "user-" + survivor,
            base.plusSeconds(10),
            Map.of("plan", "pro", "city", "Paris")));
    TestKafka.send(
        Events.track(
            WS, survivor, "user-" + survivor, "Order Completed", base.plusSeconds(11), Map.of()));
    TestKafka.send(
        Events.withAnonymousId(
            Events.identify(WS, merged, null, base.plusSeconds(20), Map.of("plan", "enterprise")),
            anonymousId));
    TestKafka.send(
        Events.withAnonymousId(
            Events.identify(WS, merged, null, base, Map.of("city", "Lyon")), anonymousId));
    TestKafka.send(
        Events.withAnonymousId(
            Events.track(WS, merged, null, "Order Completed", base.plusSeconds(21), Map.of()),
            anonymousId));
    awaitEvents(WS, survivor, 2);
    awaitEvents(WS, merged, 3);
    return new Pair(survivor, merged, anonymousId);
  }

  private static IdentityChange change(IdentityChange.Kind kind, Pair pair) {
    return new IdentityChange(
        UUID.randomUUID().toString(),
        WS,
        kind,
        pair.survivor(),
        pair.merged(),
        kind == IdentityChange.Kind.MERGED
            ? List.of()
            : List.of(new Identifier(Identifier.ANONYMOUS_ID, pair.anonymousId())),
        "test",
        null,
        Instant.now());
  }

  private void merge(Pair pair) {
    TestKafka.send(change(IdentityChange.Kind.MERGED, pair));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                as(WS).redirects().follow(false).get("/v1/profiles/" + pair.merged()).statusCode()
                    == 307);
  }

  @Test
  void mergeFoldsTraitsByEventTimeRecomputesAndRedirectsTheOldId() {
    Pair pair = twoProfiles();
    merge(pair);

    as(WS)
        .redirects()
        .follow(false)
        .get("/v1/profiles/" + pair.merged() + "/traits")
        .then()
        .statusCode(307)
        .header(
            "Location",
            org.hamcrest.Matchers.endsWith("/v1/profiles/" + pair.survivor() + "/traits"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                as(WS)
                    .get("/v1/profiles/" + pair.merged())
                    .then()
                    .statusCode(200)
                    .body("profileId", equalTo(pair.survivor()))
                    .body("traits.plan", equalTo("enterprise")) // newer, from the merged profile
                    .body("traits.city", equalTo("Paris")) // the merged profile's Lyon is older
                    .body("computedTraits.orders_all", equalTo(2))
                    .body("mergedProfileIds", hasItem(pair.merged()))
                    .body("identifiers.value", hasItem(pair.anonymousId())));
    as(WS)
        .get("/v1/profiles/anonymous_id:" + pair.anonymousId())
        .then()
        .statusCode(200)
        .body("profileId", equalTo(pair.survivor()));
    as(WS)
        .get("/v1/profiles/" + pair.survivor() + "/events")
        .then()
        .body("items.size()", equalTo(5));
    as(WS)
        .get("/v1/profiles/" + pair.survivor() + "/audit?field=traits.plan")
        .then()
        .body("source", hasItem("identity:merge"))
        .body("newValue", hasItem("enterprise"));

    ProfileChanged gone = TestKafka.awaitProfileChanged(WS, pair.merged(), ProfileChanged::deleted);
    assertThat(gone.changedFields()).contains("deleted");
    ProfileChanged survivor =
        TestKafka.awaitProfileChanged(
            WS,
            pair.survivor(),
            c ->
                c.changedFields().contains("computed.orders_all")
                    && c.changedFields().contains("traits.plan"));
    assertThat(survivor.traits()).containsEntry("plan", "enterprise");
  }

  @Test
  void lateEventsOfAMergedProfileLandOnTheSurvivor() {
    Pair pair = twoProfiles();
    merge(pair);
    TestKafka.send(
        Events.withAnonymousId(
            Events.identify(WS, pair.merged(), null, base.plusSeconds(30), Map.of("late", true)),
            pair.anonymousId()));

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                as(WS)
                    .get("/v1/profiles/" + pair.survivor())
                    .then()
                    .body("traits.late", equalTo(true)));
  }

  @Test
  void unmergeSplitsTraitsEventsAndIdentifiersBackByIdentifierProvenance() {
    Pair pair = twoProfiles();
    merge(pair);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                as(WS)
                    .get("/v1/profiles/" + pair.survivor())
                    .then()
                    .body("computedTraits.orders_all", equalTo(2)));

    TestKafka.send(change(IdentityChange.Kind.UNMERGED, pair));

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                as(WS)
                    .redirects()
                    .follow(false)
                    .get("/v1/profiles/" + pair.merged())
                    .then()
                    .statusCode(200)
                    .body("traits.plan", equalTo("enterprise"))
                    .body("traits.city", equalTo("Lyon"))
                    .body("computedTraits.orders_all", equalTo(1))
                    .body("identifiers.value", hasItem(pair.anonymousId())));
    as(WS)
        .get("/v1/profiles/" + pair.survivor())
        .then()
        .body("traits.plan", equalTo("pro"))
        .body("traits.city", equalTo("Paris"))
        .body("computedTraits.orders_all", equalTo(1))
        .body("identifiers.value", not(hasItem(pair.anonymousId())))
        .body("mergedProfileIds", not(hasItem(pair.merged())));
    as(WS)
        .get("/v1/profiles/anonymous_id:" + pair.anonymousId())
        .then()
        .body("profileId", equalTo(pair.merged()));
    as(WS).get("/v1/profiles/" + pair.merged() + "/events").then().body("items.size()", equalTo(3));
    as(WS)
        .get("/v1/profiles/" + pair.survivor() + "/events")
        .then()
        .body("items.size()", equalTo(2));
  }

  @Test
  void aRedeliveredMergeChangesNothing() {
    Pair pair = twoProfiles();
    IdentityChange merge = change(IdentityChange.Kind.MERGED, pair);
    TestKafka.send(merge);
    TestKafka.send(merge);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                as(WS)
                    .get("/v1/profiles/" + pair.survivor())
                    .then()
                    .body("computedTraits.orders_all", equalTo(2)));
    as(WS).get("/v1/profiles/" + pair.survivor()).then().body("eventCount", equalTo(5));
  }

  @Test
  void aDetachedIdentifierTakesItsEventsToTheNewProfile() {
    String profileId = Events.newProfileId();
    String detached = Events.newProfileId();
    String anonymousId = "anon-" + UUID.randomUUID();
    TestKafka.send(
        Events.identify(WS, profileId, "user-" + profileId, base, Map.of("plan", "pro")));
    TestKafka.send(
        Events.withAnonymousId(
            Events.identify(WS, profileId, null, base.plusSeconds(1), Map.of("city", "Nice")),
            anonymousId));
    awaitEvents(WS, profileId, 2);

    TestKafka.send(
        new IdentityChange(
            UUID.randomUUID().toString(),
            WS,
            IdentityChange.Kind.IDENTIFIER_DETACHED,
            profileId,
            detached,
            List.of(new Identifier(Identifier.ANONYMOUS_ID, anonymousId)),
            "shared device",
            null,
            Instant.now()));

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                as(WS)
                    .get("/v1/profiles/anonymous_id:" + anonymousId)
                    .then()
                    .statusCode(200)
                    .body("profileId", equalTo(detached))
                    .body("traits.city", equalTo("Nice")));
    as(WS)
        .get("/v1/profiles/" + profileId)
        .then()
        .body("traits.plan", equalTo("pro"))
        .body("traits.city", equalTo(null))
        .body("identifiers.value", not(hasItem(anonymousId)));
  }
}
