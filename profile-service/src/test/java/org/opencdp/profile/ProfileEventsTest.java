package org.opencdp.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.opencdp.profile.Api.as;
import static org.opencdp.profile.Api.awaitEvents;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.Topics;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.MongoResource;

@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(MongoResource.class)
@QuarkusTest
class ProfileEventsTest {
  private static final String WS = "ws-a";

  @jakarta.inject.Inject com.mongodb.client.MongoClient mongo;
  @jakarta.inject.Inject org.opencdp.profile.profile.OutboxRelay relay;
  @jakarta.inject.Inject org.opencdp.profile.profile.FinishedOutboxCleaner cleaner;
  private final Instant base =
      Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofHours(1));

  @Test
  void resolvedIdentifyBecomesAProfileReadableByIdAndByIdentifier() {
    String profileId = Events.newProfileId();
    String email = "ana-" + profileId + "@example.com";
    TestKafka.send(
        Events.identify(
            WS, profileId, "u-" + profileId, base, Map.of("email", email, "plan", "pro")));

    awaitEvents(WS, profileId, 1);
    as(WS)
        .get("/v1/profiles/" + profileId)
        .then()
        .statusCode(200)
        .body("traits.plan", equalTo("pro"))
        .body("traits.email", equalTo(email))
        .body("identifiers.type", org.hamcrest.Matchers.hasItems("user_id", "email"));
    as(WS)
        .get("/v1/profiles/email:" + email.toUpperCase())
        .then()
        .statusCode(200)
        .body("profileId", equalTo(profileId));
    as(WS)
        .get("/v1/profiles/user_id:u-" + profileId)
        .then()
        .statusCode(200)
        .body("profileId", equalTo(profileId));
    as(WS)
        .get("/v1/profiles/" + profileId + "/traits")
        .then()
        .statusCode(200)
        .body("plan.source", equalTo("web"))
        .body("plan.eventTime", equalTo(base.toString()));
  }

  @Test
  void publishesProfileChangedNamingTheChangedFields() {
    String profileId = Events.newProfileId();
    EventEnvelope identify =
        Events.identify(WS, profileId, "u-" + profileId, base, Map.of("plan", "free"));
    TestKafka.send(identify);

    ProfileChanged changed =
        TestKafka.awaitProfileChanged(
            WS, profileId, c -> c.changedFields().contains("traits.plan"));
    assertThat(changed.changedFields()).containsExactlyInAnyOrder("traits.plan", "identifiers");
    assertThat(changed.traits()).containsEntry("plan", "free");
    assertThat(changed.causingEventKey()).isEqualTo(identify.eventKey());
    assertThat(changed.version()).isPositive();
    assertThat(changed.deleted()).isFalse();
  }

  @Test
  void anEventThatChangesNothingConsumersSeePublishesNoProfileChangedAndLeavesNoOutbox() {
    String profileId = Events.newProfileId();
    TestKafka.send(Events.identify(WS, profileId, "u-" + profileId, base, Map.of("plan", "free")));
    TestKafka.awaitProfileChanged(WS, profileId, c -> c.changedFields().contains("traits.plan"));
    EventEnvelope viewed =
        Events.track(WS, profileId, "u-" + profileId, "Page Viewed", base.plusSeconds(1), Map.of());
    TestKafka.send(viewed);
    awaitEvents(WS, profileId, 2);
    // a later trait change: once its ProfileChanged is on the topic, the track event's would be too
    TestKafka.send(
        Events.identify(WS, profileId, "u-" + profileId, base.plusSeconds(2), Map.of("m", 1)));
    TestKafka.awaitProfileChanged(WS, profileId, c -> c.changedFields().contains("traits.m"));

    List<ProfileChanged> changes = TestKafka.profileChanges(WS, profileId);
    assertThat(changes).hasSize(2);
    assertThat(changes)
        .noneMatch(c -> viewed.eventKey().equals(c.causingEventKey()))
        .allMatch(c -> c.changedFields().stream().noneMatch(f -> f.startsWith("events.")));
    org.bson.Document stored =
        mongo
            .getDatabase("cdp")
            .getCollection("profiles")
            .find(new org.bson.Document("_id", WS + ":" + profileId))
            .first();
    assertThat(stored).isNotNull();
    assertThat(((Number) stored.get("eventCount")).intValue()).isEqualTo(3);
    Outboxes.awaitCleared(mongo, cleaner, WS, profileId);
  }

  @Test
  void anOlderEventNeverOverwritesANewerTraitValue() {
    String profileId = Events.newProfileId();
    TestKafka.send(
        Events.identify(WS, profileId, "u1", base.plusSeconds(60), Map.of("plan", "new")));
    TestKafka.send(
        Events.identify(WS, profileId, "u1", base, Map.of("plan", "old", "city", "Lyon")));

    awaitEvents(WS, profileId, 2);
    as(WS)
        .get("/v1/profiles/" + profileId)
        .then()
        .body("traits.plan", equalTo("new"))
        .body("traits.city", equalTo("Lyon"));
  }

  @Test
  void aRedeliveredEventIsAppliedOnce() {
    String profileId = Events.newProfileId();
    EventEnvelope event = Events.identify(WS, profileId, "u1", base, Map.of("plan", "x"));
    TestKafka.send(event);
    TestKafka.send(event);
    EventEnvelope marker =
        Events.identify(WS, profileId, "u1", base.plusSeconds(1), Map.of("m", 1));
    TestKafka.send(marker);

    Api.awaitEvents(WS, profileId, 2);
    // the marker was sent after the duplicate: once it is applied, the duplicate was processed
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                as(WS)
                    .get("/v1/profiles/" + profileId)
                    .jsonPath()
                    .getMap("traits")
                    .containsKey("m"));
    as(WS).get("/v1/profiles/" + profileId).then().body("eventCount", equalTo(2));
    as(WS).get("/v1/profiles/" + profileId + "/events").then().body("items", hasSize(2));
  }

  @Test
  void unreadableMessageGoesToTheDeadLetterTopicWithItsReason() {
    String marker = "not-json-" + java.util.UUID.randomUUID();
    TestKafka.send(Topics.EVENTS_RESOLVED, "ws-a:poison", marker);

    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                TestKafka.readAll(Topics.EVENTS_RESOLVED + Topics.DLQ_SUFFIX).stream()
                    .anyMatch(
                        r ->
                            marker.equals(r.value())
                                && reason(r.headers().lastHeader("dead-letter-reason")) != null));
  }

  @Test
  void timelineIsNewestFirstFilterableAndPaginated() {
    String profileId = Events.newProfileId();
    for (int i = 0; i < 5; i++) {
      TestKafka.send(
          Events.track(
              WS,
              profileId,
              "u1",
              i % 2 == 0 ? "Order Completed" : "Product Viewed",
              base.plusSeconds(i),
              Map.of("i", i)));
    }
    TestKafka.send(Events.identify(WS, profileId, "u1", base.plusSeconds(10), Map.of("a", 1)));
    awaitEvents(WS, profileId, 6);

    var first = as(WS).get("/v1/profiles/" + profileId + "/events?type=track&limit=2");
    first
        .then()
        .statusCode(200)
        .body("items", hasSize(2))
        .body("items[0].payload.properties.i", equalTo(4))
        .body("items[1].payload.properties.i", equalTo(3));
    String cursor = first.jsonPath().getString("nextCursor");
    as(WS)
        .get("/v1/profiles/" + profileId + "/events?type=track&limit=2&cursor=" + cursor)
        .then()
        .body("items.payload.properties.i", equalTo(List.of(2, 1)));
    as(WS)
        .get("/v1/profiles/" + profileId + "/events?name=Order Completed")
        .then()
        .body("items.payload.properties.i", equalTo(List.of(4, 2, 0)));
    as(WS)
        .get(
            "/v1/profiles/"
                + profileId
                + "/events?from="
                + base.plusSeconds(1)
                + "&to="
                + base.plusSeconds(3))
        .then()
        .body("items.payload.properties.i", equalTo(List.of(2, 1)));
    as(WS)
        .get("/v1/profiles/" + profileId + "/events?from=yesterday")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("title", equalTo("Bad Request"));
  }

  @Test
  void auditRecordsEveryTraitChangeWithOldNewSourceAndEvent() {
    String profileId = Events.newProfileId();
    EventEnvelope first = Events.identify(WS, profileId, "u1", base, Map.of("plan", "free"));
    EventEnvelope second =
        Events.identify(WS, profileId, "u1", base.plusSeconds(5), Map.of("plan", "pro"));
    TestKafka.send(first);
    TestKafka.send(second);
    awaitEvents(WS, profileId, 2);

    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                as(WS)
                    .get("/v1/profiles/" + profileId + "/audit?field=traits.plan")
                    .then()
                    .body("oldValue", org.hamcrest.Matchers.containsInAnyOrder(null, "free"))
                    .body("newValue", org.hamcrest.Matchers.containsInAnyOrder("free", "pro"))
                    .body(
                        "eventKey",
                        org.hamcrest.Matchers.containsInAnyOrder(
                            first.eventKey(), second.eventKey()))
                    .body("source", org.hamcrest.Matchers.everyItem(equalTo("web"))));
  }

  @Test
  void consentFollowsCategoryPreferencesAndTheConsentApi() {
    String profileId = Events.newProfileId();
    TestKafka.send(
        Events.withContext(
            Events.identify(WS, profileId, "u1", base, Map.of()),
            Map.of(
                "consent",
                Map.of("categoryPreferences", Map.of("marketing", true, "analytics", false)))));
    awaitEvents(WS, profileId, 1);
    as(WS)
        .get("/v1/profiles/" + profileId + "/consent")
        .then()
        .body("marketing.granted", equalTo(true))
        .body("analytics.granted", equalTo(false));

    as(WS)
        .contentType(ContentType.JSON)
        .body(Map.of("categories", Map.of("marketing", false)))
        .put("/v1/profiles/" + profileId + "/consent")
        .then()
        .statusCode(200)
        .body("marketing.granted", equalTo(false))
        .body("marketing.source", equalTo("profile-api"));
    TestKafka.awaitProfileChanged(
        WS,
        profileId,
        c ->
            c.changedFields().contains("consent.marketing")
                && Boolean.FALSE.equals(c.consent().get("marketing")));
    as(WS)
        .get("/v1/profiles/" + profileId + "/audit?field=consent.marketing")
        .then()
        .body("newValue", org.hamcrest.Matchers.hasItems(true, false));
  }

  @Test
  void requestsWithoutAValidTokenAreRefusedAsProblemJson() {
    RestAssured.given()
        .get("/v1/profiles/anything")
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .header("WWW-Authenticate", "Bearer")
        .body("status", equalTo(401));
    RestAssured.given()
        .header("Authorization", "Bearer wrong")
        .get("/v1/profiles/anything")
        .then()
        .statusCode(401);
  }

  @Test
  void aWorkspaceTokenNeverSeesAnotherWorkspacesProfile() {
    String profileId = Events.newProfileId();
    TestKafka.send(Events.identify(WS, profileId, "shared-user", base, Map.of("plan", "secret")));
    awaitEvents(WS, profileId, 1);

    as("ws-b")
        .get("/v1/profiles/" + profileId)
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("detail", not(containsString("Exception")));
    as("ws-b").get("/v1/profiles/user_id:shared-user").then().statusCode(404);
  }

  @Test
  void clientFaultsAreProblemJsonWithoutInternals() {
    as(WS)
        .get("/v1/profiles/user_id:nobody-" + java.util.UUID.randomUUID())
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("title", equalTo("Not Found"));
    as(WS)
        .contentType(ContentType.JSON)
        .body("{not json")
        .put("/v1/profiles/x/consent")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body(not(containsString("jackson")));
    as(WS)
        .get("/v1/profiles/x/events?limit=100000")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
  }

  private static String reason(Header header) {
    return header == null ? null : new String(header.value());
  }

  @Test
  void anOutboxLeftBehindByACrashIsSentByTheRelay() {
    String profileId = Events.newProfileId();
    TestKafka.send(Events.identify(WS, profileId, "u1", base, Map.of("plan", "x")));
    awaitEvents(WS, profileId, 1);
    var profiles = mongo.getDatabase("cdp").getCollection("profiles");
    var id = new org.bson.Document("_id", WS + ":" + profileId);
    Outboxes.awaitCleared(mongo, cleaner, WS, profileId);
    // what a crash between the profile write and the broker's ack leaves behind
    profiles.updateOne(
        id,
        new org.bson.Document(
            "$set",
            new org.bson.Document(
                "outbox",
                new org.bson.Document("fields", List.of("traits.plan"))
                    .append("audit", List.of())
                    .append("ids", List.of())
                    .append("cause", "crashed-event")
                    .append("deleted", false)
                    .append("at", java.util.Date.from(Instant.now().minusSeconds(120))))));

    relay.runOnce(Duration.ofSeconds(60)).await().indefinitely();
    // what the relay queries (outbox.at <= t) is indexed, so on MongoDB it is no collection scan
    assertThat(profiles.listIndexes())
        .anyMatch(index -> ((org.bson.Document) index.get("key")).containsKey("outbox.at"));

    ProfileChanged resent =
        TestKafka.awaitProfileChanged(
            WS, profileId, c -> "crashed-event".equals(c.causingEventKey()));
    assertThat(resent.changedFields()).containsExactly("traits.plan");
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> profiles.find(id).first().get("outbox") == null);
  }

  @Test
  void traitKeysThatLookLikeOperatorsOrPathsAreStoredAndReturnedAsSent() {
    String profileId = Events.newProfileId();
    TestKafka.send(
        Events.identify(
            WS,
            profileId,
            "u1",
            base,
            Map.of("prefs", Map.of("a.b", 1, "$where", "x", "100%", true))));
    awaitEvents(WS, profileId, 1);
    TestKafka.send(Events.identify(WS, profileId, "u1", base.plusSeconds(1), Map.of("other", 1)));
    awaitEvents(WS, profileId, 2); // a second write must keep the stored form intact

    Map<String, Object> prefs =
        as(WS).get("/v1/profiles/" + profileId).jsonPath().getMap("traits.prefs");
    assertThat(prefs)
        .containsEntry("a.b", 1)
        .containsEntry("$where", "x")
        .containsEntry("100%", true);
  }
}
