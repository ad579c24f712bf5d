package org.opencdp.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.opencdp.profile.Api.as;
import static org.opencdp.profile.Api.awaitEvents;

import com.mongodb.client.MongoClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.contracts.PrivacyRequest;
import org.opencdp.contracts.PrivacyStatus;
import org.opencdp.contracts.SegmentMembershipChanged;
import org.opencdp.contracts.Topics;
import org.opencdp.profile.config.Collections;
import org.opencdp.profile.privacy.PrivacyRequestStore;
import org.opencdp.profile.profile.ErasureTombstones;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.MongoResource;

@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(MongoResource.class)
@QuarkusTest
class PrivacyTest {
  private static final String WS = "ws-e";
  private final Instant base =
      Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofHours(1));

  @Inject MongoClient mongo;
  @Inject ErasureTombstones tombstones;
  @Inject TestClock clock;
  @Inject PrivacyRequestStore requests;

  private String person(String email) {
    String profileId = Events.newProfileId();
    TestKafka.send(
        Events.withContext(
            Events.identify(
                WS,
                profileId,
                "user-" + profileId,
                base,
                Map.of("email", email, "firstName", "Ana", "plan", "pro")),
            Map.of("consent", Map.of("categoryPreferences", Map.of("marketing", true)))));
    TestKafka.send(
        Events.track(
            WS,
            profileId,
            "user-" + profileId,
            "Order Completed",
            base.plusSeconds(5),
            Map.of("revenue", 12)));
    awaitEvents(WS, profileId, 2);
    return profileId;
  }

  @Test
  void exportIsOneDocumentWithEverythingHeldOnThePerson() {
    String email = "export-" + UUID.randomUUID() + "@example.com";
    String profileId = person(email);

    as(WS)
        .get("/v1/profiles/email:" + email + "/export")
        .then()
        .statusCode(200)
        .body("profile.profileId", equalTo(profileId))
        .body("profile.traits.email", equalTo(email))
        .body("traits.plan.source", equalTo("web"))
        .body("consent.marketing.granted", equalTo(true))
        .body("events.size()", equalTo(2))
        .body("events[1].payload.properties.revenue", equalTo(12))
        .body("events[0].payload.traits.email", equalTo(email))
        .body("audit.field", hasItem("traits.email"));
  }

  @Test
  void deleteLeavesNoTraceAndCompletesWhenEveryServiceAnswered() {
    String email = "erase-" + UUID.randomUUID() + "@example.com";
    String profileId = person(email);
    String mergedAway = Events.newProfileId();
    TestKafka.send(
        Events.identify(WS, mergedAway, "other-" + mergedAway, base, Map.of("nickname", "Anita")));
    awaitEvents(WS, mergedAway, 1);
    SegmentMembershipChanged entered =
        new SegmentMembershipChanged(
            UUID.randomUUID().toString(),
            WS,
            profileId,
            "vip",
            "VIP",
            1,
            SegmentMembershipChanged.Kind.ENTERED,
            "backfill",
            base);
    TestKafka.send(Topics.SEGMENTS_MEMBERSHIP, entered.partitionKey(), TestKafka.write(entered));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                as(WS)
                    .get("/v1/profiles/" + profileId + "/segments")
                    .then()
                    .body("current.size()", equalTo(1)));
    TestKafka.send(
        new IdentityChange(
            UUID.randomUUID().toString(),
            WS,
            IdentityChange.Kind.MERGED,
            profileId,
            mergedAway,
            List.of(),
            "test",
            null,
            Instant.now()));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                as(WS)
                    .get("/v1/profiles/" + profileId)
                    .then()
                    .body("traits.nickname", equalTo("Anita")));

    String requestId =
        as(WS)
            .delete("/v1/profiles/" + profileId)
            .then()
            .statusCode(202)
            .body("kind", equalTo("DELETE"))
            .extract()
            .path("requestId");

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                as(WS)
                    .get("/v1/privacy-requests/" + requestId)
                    .then()
                    .body("services.profile-service", equalTo("DONE"))
                    .body("status", equalTo("PENDING")));
    as(WS).get("/v1/profiles/" + profileId).then().statusCode(404);
    as(WS).get("/v1/profiles/" + mergedAway).then().statusCode(404);
    as(WS).get("/v1/profiles/email:" + email).then().statusCode(404);
    assertNoTrace(profileId, mergedAway, email, "Anita");

    PrivacyRequest published =
        TestKafka.readAll(Topics.PRIVACY_REQUESTS).stream()
            .map(r -> read(r.value(), PrivacyRequest.class))
            .filter(r -> requestId.equals(r.requestId()))
            .findFirst()
            .orElseThrow();
    assertThat(published.profileId()).isEqualTo(profileId);
    assertThat(published.identifiers())
        .extracting(i -> i.value())
        .contains(email, "user-" + profileId);

    TestKafka.send(
        PrivacyStatus.TOPIC,
        WS + ":" + requestId,
        TestKafka.write(
            new PrivacyStatus(
                requestId, WS, "identity-service", PrivacyStatus.State.DONE, null, Instant.now())));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                as(WS)
                    .get("/v1/privacy-requests/" + requestId)
                    .then()
                    .body("status", equalTo("COMPLETED")));
    as("ws-b").get("/v1/privacy-requests/" + requestId).then().statusCode(404);
  }

  /**
   * The profile-service's stores: profiles, timeline, its identifier index (the identifier lookup
   * projection), audit, segment history and tombstones. The identity graph itself lives in the
   * identity-service's PostgreSQL and is erased there (it answers on the status topic; here its
   * answer is simulated).
   */
  private void assertNoTrace(String... values) {
    for (String collection :
        List.of(
            Collections.PROFILES,
            Collections.TIMELINE,
            Collections.IDENTIFIERS,
            Collections.AUDIT,
            Collections.SEGMENT_HISTORY,
            Collections.TOMBSTONES)) {
      for (Document doc :
          mongo
              .getDatabase("cdp")
              .getCollection(collection)
              .find(new Document("workspaceId", WS))) {
        // ciphertexts are random base64: one can contain a short value like "Ana" by chance
        String stored = doc.toJson().replaceAll("enc:v1:[A-Za-z0-9+/=]+", "enc:v1:…");
        for (String value : values) {
          assertThat(stored).as(collection).doesNotContain(value);
        }
      }
    }
  }

  @Test
  void aRequestThatCannotBeCarriedOutIsAnsweredFailedAndTheRequestEndsFailed() {
    String profileId = Events.newProfileId();
    String email = "unreadable-" + UUID.randomUUID() + "@example.com";
    // a profile document this service cannot read: every attempt fails in the store layer
    var profiles = mongo.getDatabase("cdp").getCollection(Collections.PROFILES);
    Document unreadable =
        new Document("_id", WS + ":" + profileId)
            .append("workspaceId", WS)
            .append("profileId", profileId)
            .append("version", "not a number");
    profiles.insertOne(unreadable);
    try {
      PrivacyRequest request =
          new PrivacyRequest(
              UUID.randomUUID().toString(),
              WS,
              PrivacyRequest.Kind.SUPPRESS,
              profileId,
              List.of(new Identifier("email", email)),
              Instant.now());
      requests.create(request).await().atMost(Duration.ofSeconds(10));
      TestKafka.send(Topics.PRIVACY_REQUESTS, request.partitionKey(), TestKafka.write(request));

      PrivacyStatus answer = awaitOwnAnswer(request.requestId());
      assertThat(answer.state()).isEqualTo(PrivacyStatus.State.FAILED);
      assertThat(answer.detail())
          .contains("ClassCastException", "sending it again retries it")
          .doesNotContain(profileId, email);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  as(WS)
                      .get("/v1/privacy-requests/" + request.requestId())
                      .then()
                      .body("services.profile-service", equalTo("FAILED"))
                      .body("status", equalTo("FAILED")));
      assertThat(TestKafka.readAll(Topics.PRIVACY_REQUESTS + ".dlq"))
          .as("answered, so not dead-lettered")
          .noneMatch(r -> r.value().contains(request.requestId()));
    } finally {
      profiles.deleteOne(new Document("_id", unreadable.get("_id")));
    }
  }

  @Test
  void aRequestWithoutKindIsAnsweredFailedAndAnUnreadableOneIsDeadLettered() {
    PrivacyRequest incomplete =
        new PrivacyRequest(
            UUID.randomUUID().toString(),
            WS,
            null,
            Events.newProfileId(),
            List.of(),
            Instant.now());
    TestKafka.send(Topics.PRIVACY_REQUESTS, incomplete.partitionKey(), TestKafka.write(incomplete));
    PrivacyStatus answer = awaitOwnAnswer(incomplete.requestId());
    assertThat(answer.state()).isEqualTo(PrivacyStatus.State.FAILED);
    assertThat(answer.detail()).isEqualTo("request without profileId or kind");

    String garbage = "not json " + UUID.randomUUID();
    TestKafka.send(Topics.PRIVACY_REQUESTS, WS + ":x", garbage);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                TestKafka.readAll(Topics.PRIVACY_REQUESTS + ".dlq").stream()
                    .anyMatch(r -> r.value().equals(garbage)));
  }

  private static PrivacyStatus awaitOwnAnswer(String requestId) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                TestKafka.readAll(PrivacyStatus.TOPIC).stream()
                    .map(r -> read(r.value(), PrivacyStatus.class))
                    .filter(s -> requestId.equals(s.requestId()))
                    .filter(s -> "profile-service".equals(s.service()))
                    .findFirst(),
            java.util.Optional::isPresent)
        .orElseThrow();
  }

  @Test
  void eventsInFlightAfterADeleteDoNotRecreateTheProfile() {
    String email = "late-" + UUID.randomUUID() + "@example.com";
    String profileId = person(email);
    String requestId =
        as(WS)
            .delete("/v1/profiles/" + profileId)
            .then()
            .statusCode(202)
            .extract()
            .path("requestId");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                as(WS)
                    .get("/v1/privacy-requests/" + requestId)
                    .then()
                    .body("services.profile-service", equalTo("DONE")));
    double before = erasedCount();

    // still in flight when the delete ran: resolved for the old profile id, with personal data
    TestKafka.send(
        Events.identify(
            WS,
            profileId,
            "user-" + profileId,
            base.plusSeconds(30),
            Map.of("email", email, "firstName", "Ana")));
    TestKafka.send(
        Events.track(
            WS, profileId, "user-" + profileId, "Order Completed", base.plusSeconds(31), Map.of()));
    await().atMost(Duration.ofSeconds(30)).until(() -> erasedCount() >= before + 2);

    as(WS).get("/v1/profiles/" + profileId).then().statusCode(404);
    as(WS).get("/v1/profiles/email:" + email).then().statusCode(404);
    assertNoTrace(profileId, email, "Ana");
    assertThat(tombstones.isErased(WS, profileId).await().indefinitely()).isTrue();
    try {
      clock.advance(Duration.ofDays(31)); // tombstones expire (30 days by default)
      assertThat(tombstones.isErased(WS, profileId).await().indefinitely()).isFalse();
    } finally {
      clock.reset();
    }
  }

  @Test
  void suppressedProfilesRefuseFurtherEvents() {
    String profileId = person("suppress-" + UUID.randomUUID() + "@example.com");
    as(WS).post("/v1/profiles/" + profileId + "/suppression").then().statusCode(202);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> as(WS).get("/v1/profiles/" + profileId).then().body("suppressed", equalTo(true)));
    double before = suppressedCount();

    TestKafka.send(
        Events.identify(
            WS, profileId, "user-" + profileId, base.plusSeconds(60), Map.of("plan", "free")));
    await().atMost(Duration.ofSeconds(30)).until(() -> suppressedCount() > before);
    as(WS)
        .get("/v1/profiles/" + profileId)
        .then()
        .body("traits.plan", equalTo("pro"))
        .body("eventCount", equalTo(2));
    as(WS).get("/v1/profiles/" + profileId + "/events").then().body("items.size()", equalTo(2));
  }

  @Test
  void anonymizeForgetsIdentityButKeepsBehaviour() {
    String email = "anon-" + UUID.randomUUID() + "@example.com";
    String profileId = person(email);
    as(WS).post("/v1/profiles/" + profileId + "/anonymization").then().statusCode(202);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                as(WS)
                    .get("/v1/profiles/" + profileId)
                    .then()
                    .body("traits.size()", equalTo(0))
                    .body("identifiers.size()", equalTo(0)));
    as(WS).get("/v1/profiles/email:" + email).then().statusCode(404);
    as(WS)
        .get("/v1/profiles/" + profileId + "/events")
        .then()
        .body("items.size()", equalTo(2))
        .body("items[0].payload.properties.revenue", equalTo(12))
        .body("items[1].payload.traits", equalTo(null))
        .body("items[1].payload.userId", equalTo(null));
    as(WS).get("/v1/profiles/" + profileId + "/audit").then().body("size()", equalTo(0));
  }

  @Test
  void personalTraitsAndIdentifiersAreEncryptedAtRest() {
    String email = "secret-" + UUID.randomUUID() + "@example.com";
    String profileId = person(email);

    for (String collection :
        List.of(
            Collections.PROFILES,
            Collections.TIMELINE,
            Collections.IDENTIFIERS,
            Collections.AUDIT)) {
      for (Document doc :
          mongo
              .getDatabase("cdp")
              .getCollection(collection)
              .find(new Document("workspaceId", WS))) {
        assertThat(doc.toJson()).as(collection).doesNotContain(email).doesNotContain("\"Ana\"");
      }
    }
    Document stored =
        mongo
            .getDatabase("cdp")
            .getCollection(Collections.PROFILES)
            .find(new Document("_id", WS + ":" + profileId))
            .first();
    assertThat(((Document) ((Document) stored.get("traits")).get("email")).getString("v"))
        .startsWith("enc:v1:");
    assertThat(((Document) ((Document) stored.get("traits")).get("plan")).getString("v"))
        .isEqualTo("pro");
  }

  private static double suppressedCount() {
    return eventCount("suppressed");
  }

  private static double erasedCount() {
    return eventCount("erased");
  }

  private static double eventCount(String outcome) {
    String metrics = io.restassured.RestAssured.get("/q/metrics").asString();
    return metrics
        .lines()
        .filter(
            l ->
                l.startsWith("cdp_profile_events_total")
                    && l.contains("outcome=\"" + outcome + "\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static <T> T read(String json, Class<T> type) {
    try {
      return TestKafka.JSON.readValue(json, type);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
