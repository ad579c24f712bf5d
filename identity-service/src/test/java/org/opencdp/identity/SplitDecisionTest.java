package org.opencdp.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.identity.store.RejectionEntity;
import org.opencdp.identity.support.Actors;
import org.opencdp.identity.support.Events;
import org.opencdp.identity.support.Graph;
import org.opencdp.identity.support.KafkaTestClient;
import org.opencdp.identity.support.TopicsResource;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;

/**
 * Detach and undo are durable: the events that linked the identifiers, replayed or sent again
 * through the real broker, leave them apart; the decision is recorded and can be lifted.
 */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(TopicsResource.class)
@QuarkusTest
class SplitDecisionTest {
  static final String WS = "acme";
  static final String TOKEN = "Bearer acme-token";

  private final KafkaTestClient kafka = KafkaTestClient.get();

  @Inject Graph graph;

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void detachedIdentifierStaysApartWhenTheLinkingEventComesAgainUntilTheSplitIsLifted() {
    String user = unique("user");
    Identifier email = new Identifier("email", user + "@family.io");
    EventEnvelope linking =
        Events.identify(WS, user, unique("anon"), Map.of("email", email.value()));
    kafka.send(linking);
    String profile = kafka.awaitResolved(linking).profileId();

    IdentityChange detached = detach(profile, email, "shared family inbox");
    String separated = detached.mergedProfileId();

    kafka.send(linking);
    assertThat(kafka.awaitResolved(linking, 2))
        .extracting(EventEnvelope::profileId)
        .containsOnly(profile);
    EventEnvelope again = Events.again(linking);
    kafka.send(again);
    assertThat(kafka.awaitResolved(again).profileId()).isEqualTo(profile);

    assertThat(graph.snapshot(WS))
        .containsEntry(email, separated)
        .containsEntry(new Identifier("user_id", user), profile);
    assertThat(rejectionsOf(again))
        .singleElement()
        .satisfies(
            rejection -> {
              assertThat(rejection.rule).isEqualTo("SPLIT");
              assertThat(rejection.type).isEqualTo("email");
              assertThat(rejection.profileId).isEqualTo(separated);
            });
    Map<String, Object> split = splitOf(detached.changeId());
    assertThat(split.get("cause")).isEqualTo("DETACH");
    assertThat(List.of(split.get("profileA"), split.get("profileB")))
        .containsExactlyInAnyOrder(profile, separated);
    assertThat(split.get("identifierValue")).isEqualTo(email.value());
    assertThat(split.get("reason")).isEqualTo("shared family inbox");
    assertThat(split.get("actor")).isEqualTo(Actors.of("acme-token"));
    assertThat(split.get("liftedAt")).isNull();

    lift((String) split.get("splitId"), "it was the same person after all")
        .body("liftedAt", org.hamcrest.Matchers.notNullValue())
        .body("liftReason", equalTo("it was the same person after all"));
    EventEnvelope afterLift = Events.again(linking);
    kafka.send(afterLift);
    String relinked = kafka.awaitResolved(afterLift).profileId();

    assertThat(graph.snapshot(WS))
        .containsEntry(email, relinked)
        .containsEntry(new Identifier("user_id", user), relinked);
    assertThat(auditActions((String) split.get("splitId"))).contains("LIFT_SPLIT");
    lift((String) split.get("splitId"), "twice").statusCode(409);
  }

  @Test
  void undoneMergeStaysUndoneWhenTheAliasComesAgainAndAfterEitherSideMerges() {
    String user = unique("user");
    String anonymous = unique("anon");
    String laterAnonymous = unique("anon");
    EventEnvelope browse = Events.track(WS, null, anonymous);
    EventEnvelope login = Events.track(WS, user, null);
    kafka.send(browse);
    kafka.send(login);
    kafka.awaitResolved(browse);
    kafka.awaitResolved(login);
    EventEnvelope alias = Events.alias(WS, user, anonymous);
    kafka.send(alias);
    kafka.awaitResolved(alias);
    IdentityChange merged =
        org.awaitility.Awaitility.await()
            .atMost(java.time.Duration.ofSeconds(20))
            .until(
                () ->
                    kafka.changes(WS).stream()
                        .filter(change -> alias.eventKey().equals(change.causingEventKey()))
                        .findFirst(),
                java.util.Optional::isPresent)
            .orElseThrow();

    IdentityChange undone = undo(merged.changeId());
    Identifier userId = new Identifier("user_id", user);
    Identifier anonymousId = new Identifier("anonymous_id", anonymous);
    String userProfile = graph.snapshot(WS).get(userId);
    String anonymousProfile = graph.snapshot(WS).get(anonymousId);
    assertThat(userProfile).isNotEqualTo(anonymousProfile);

    kafka.send(alias);
    kafka.awaitResolved(alias, 2);
    EventEnvelope aliasAgain = Events.again(alias);
    kafka.send(aliasAgain);
    kafka.awaitResolved(aliasAgain);
    assertThat(graph.snapshot(WS))
        .containsEntry(userId, userProfile)
        .containsEntry(anonymousId, anonymousProfile);
    assertThat(rejectionsOf(aliasAgain)).extracting(r -> r.rule).containsExactly("SPLIT");

    // The user's side merges with a third profile: the split moves to the survivor.
    EventEnvelope otherDevice = Events.track(WS, null, laterAnonymous);
    kafka.send(otherDevice);
    kafka.awaitResolved(otherDevice);
    EventEnvelope secondLogin = Events.identify(WS, user, laterAnonymous, null);
    kafka.send(secondLogin);
    String userNow = kafka.awaitResolved(secondLogin).profileId();
    EventEnvelope aliasOnceMore = Events.again(alias);
    kafka.send(aliasOnceMore);
    kafka.awaitResolved(aliasOnceMore);

    Map<Identifier, String> snapshot = graph.snapshot(WS);
    assertThat(snapshot)
        .containsEntry(userId, userNow)
        .containsEntry(new Identifier("anonymous_id", laterAnonymous), userNow)
        .containsEntry(anonymousId, anonymousProfile);
    assertThat(userNow).isNotEqualTo(anonymousProfile);
    Map<String, Object> split = splitOf(undone.changeId());
    assertThat(split.get("cause")).isEqualTo("UNDO_MERGE");
    assertThat(split.get("mergeId")).isEqualTo(merged.changeId());
    assertThat(List.of(split.get("profileA"), split.get("profileB")))
        .containsExactlyInAnyOrder(userNow, anonymousProfile);
  }

  @Test
  void liftingAnUnknownSplitIsA404Problem() {
    lift("no-such-split", "why not").statusCode(404).contentType("application/problem+json");
  }

  private IdentityChange detach(String profile, Identifier identifier, String reason) {
    return given()
        .header("Authorization", TOKEN)
        .contentType(ContentType.JSON)
        .body(Map.of("type", identifier.type(), "value", identifier.value(), "reason", reason))
        .when()
        .post("/v1/workspaces/acme/profiles/" + profile + "/detach")
        .then()
        .statusCode(200)
        .extract()
        .as(IdentityChange.class);
  }

  private IdentityChange undo(String mergeId) {
    return given()
        .header("Authorization", TOKEN)
        .contentType(ContentType.JSON)
        .body(Map.of("reason", "two people share a laptop"))
        .when()
        .post("/v1/workspaces/acme/merges/" + mergeId + "/undo")
        .then()
        .statusCode(200)
        .extract()
        .as(IdentityChange.class);
  }

  private io.restassured.response.ValidatableResponse lift(String splitId, String reason) {
    return given()
        .header("Authorization", TOKEN)
        .contentType(ContentType.JSON)
        .body(Map.of("reason", reason))
        .when()
        .post("/v1/workspaces/acme/splits/" + splitId + "/lift")
        .then();
  }

  /** The split recorded with a detach or undo, read through the API. */
  private Map<String, Object> splitOf(String changeId) {
    List<Map<String, Object>> splits =
        given()
            .header("Authorization", TOKEN)
            .when()
            .get("/v1/workspaces/acme/splits?limit=1000")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("findAll { it.changeId == '" + changeId + "' }");
    assertThat(splits).hasSize(1);
    return splits.get(0);
  }

  private List<String> auditActions(String splitId) {
    return given()
        .header("Authorization", TOKEN)
        .when()
        .get("/v1/workspaces/acme/audit?limit=1000")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getList("findAll { it.target == 'split " + splitId + "' }.action");
  }

  private List<RejectionEntity> rejectionsOf(EventEnvelope event) {
    return graph.rejections(WS).stream()
        .filter(rejection -> rejection.eventKey.equals(event.eventKey()))
        .toList();
  }
}
