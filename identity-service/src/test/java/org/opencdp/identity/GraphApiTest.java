package org.opencdp.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.identity.support.Events;
import org.opencdp.identity.support.Graph;
import org.opencdp.identity.support.KafkaTestClient;
import org.opencdp.identity.support.TopicsResource;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;

/** The graph API: lookups, history, detach and undo, auth and problem+json errors. */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(TopicsResource.class)
@QuarkusTest
class GraphApiTest {
  static final String WS = "acme";
  static final String TOKEN = "Bearer acme-token";

  @Inject Graph graph;

  private final KafkaTestClient kafka = KafkaTestClient.get();

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void looksUpTheProfileOfAnIdentifierWithNormalisedValue() {
    String user = unique("user");
    String profile =
        graph
            .resolve(Events.identify(WS, user, null, Map.of("email", user + "@Shop.io")))
            .profileId();

    given()
        .header("Authorization", TOKEN)
        .when()
        .get("/v1/workspaces/acme/identifiers/email/" + user.toUpperCase() + "@shop.io")
        .then()
        .statusCode(200)
        .body("profileId", equalTo(profile))
        .body("value", equalTo(user + "@shop.io"));
  }

  @Test
  void unknownIdentifierIsA404ProblemWithoutInternals() {
    given()
        .header("Authorization", TOKEN)
        .when()
        .get("/v1/workspaces/acme/identifiers/user_id/nobody-" + UUID.randomUUID())
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("status", equalTo(404))
        .body("title", equalTo("Not Found"))
        .body("detail", not(containsString("Exception")));
  }

  @Test
  void profileGraphListsIdentifiersWithProvenance() {
    String user = unique("user");
    var event = Events.identify(WS, user, unique("anon"), null);
    String profile = graph.resolve(event).profileId();

    given()
        .header("Authorization", TOKEN)
        .when()
        .get("/v1/workspaces/acme/profiles/" + profile)
        .then()
        .statusCode(200)
        .body("status", equalTo("ACTIVE"))
        .body("activeProfileId", equalTo(profile))
        .body("identifiers", hasSize(2))
        .body("identifiers[0].causingEventKey", equalTo(event.eventKey()))
        .body("identifiers[0].originProfileId", equalTo(profile));
  }

  @Test
  void undoingAMergeRestoresTheMergedProfileAndPublishesUnmerged() {
    String user = unique("user");
    String anonymous = unique("anon");
    String device = unique("device");
    String anonymousProfile =
        graph.resolve(Events.withContext(WS, null, anonymous, Events.device(device))).profileId();
    String knownProfile = graph.resolve(Events.track(WS, user, null)).profileId();
    var merge = graph.resolve(Events.alias(WS, user, anonymous));
    assertThat(merge.changes()).hasSize(1);
    IdentityChange merged = merge.changes().get(0);
    assertThat(merged.survivorProfileId()).isEqualTo(anonymousProfile);
    assertThat(merged.mergedProfileId()).isEqualTo(knownProfile);

    given()
        .header("Authorization", TOKEN)
        .when()
        .get("/v1/workspaces/acme/profiles/" + knownProfile + "/merges")
        .then()
        .statusCode(200)
        .body("mergeId", equalTo(List.of(merged.changeId())))
        .body("[0].identifiers[0].value", equalTo(user));

    IdentityChange undone =
        given()
            .header("Authorization", TOKEN)
            .contentType(ContentType.JSON)
            .body(Map.of("reason", "two people share a laptop"))
            .when()
            .post("/v1/workspaces/acme/merges/" + merged.changeId() + "/undo")
            .then()
            .statusCode(200)
            .extract()
            .as(IdentityChange.class);

    assertThat(undone.kind()).isEqualTo(IdentityChange.Kind.UNMERGED);
    assertThat(undone.survivorProfileId()).isEqualTo(anonymousProfile);
    assertThat(undone.mergedProfileId()).isEqualTo(knownProfile);
    assertThat(undone.identifiers()).containsExactly(new Identifier("user_id", user));
    Map<Identifier, String> snapshot = graph.snapshot(WS);
    assertThat(snapshot)
        .containsEntry(new Identifier("user_id", user), knownProfile)
        .containsEntry(new Identifier("anonymous_id", anonymous), anonymousProfile)
        .containsEntry(new Identifier("device_id", device), anonymousProfile);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(kafka.changes(WS))
                    .filteredOn(change -> change.changeId().equals(undone.changeId()))
                    .singleElement()
                    .satisfies(
                        change ->
                            assertThat(change.kind()).isEqualTo(IdentityChange.Kind.UNMERGED)));

    given()
        .header("Authorization", TOKEN)
        .contentType(ContentType.JSON)
        .body("{}")
        .when()
        .post("/v1/workspaces/acme/merges/" + merged.changeId() + "/undo")
        .then()
        .statusCode(409)
        .contentType("application/problem+json");
    given()
        .header("Authorization", TOKEN)
        .when()
        .get("/v1/workspaces/acme/audit")
        .then()
        .statusCode(200)
        .body("changeId", org.hamcrest.Matchers.hasItem(undone.changeId()));
  }

  @Test
  void detachingMovesOneIdentifierToANewProfileAndPublishesIt() {
    String user = unique("user");
    String email = user + "@family.io";
    String profile =
        graph
            .resolve(Events.identify(WS, user, unique("anon"), Map.of("email", email)))
            .profileId();

    IdentityChange change =
        given()
            .header("Authorization", TOKEN)
            .contentType(ContentType.JSON)
            .body(Map.of("type", "email", "value", email, "reason", "shared family inbox"))
            .when()
            .post("/v1/workspaces/acme/profiles/" + profile + "/detach")
            .then()
            .statusCode(200)
            .extract()
            .as(IdentityChange.class);

    assertThat(change.kind()).isEqualTo(IdentityChange.Kind.IDENTIFIER_DETACHED);
    assertThat(change.survivorProfileId()).isEqualTo(profile);
    assertThat(change.identifiers()).containsExactly(new Identifier("email", email));
    assertThat(graph.snapshot(WS))
        .containsEntry(new Identifier("email", email), change.mergedProfileId())
        .containsEntry(new Identifier("user_id", user), profile);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(kafka.changeRecords(WS))
                    .filteredOn(record -> record.value().contains(change.changeId()))
                    .singleElement()
                    .satisfies(record -> assertThat(record.key()).isEqualTo(WS + ":" + profile)));

    given()
        .header("Authorization", TOKEN)
        .contentType(ContentType.JSON)
        .body(Map.of("type", "email", "value", email))
        .when()
        .post("/v1/workspaces/acme/profiles/" + change.mergedProfileId() + "/detach")
        .then()
        .statusCode(409)
        .body("detail", containsString("only identifier"));
  }

  @Test
  void requestsWithoutATokenAreUnauthorized() {
    given()
        .when()
        .get("/v1/workspaces/acme/identity-rules")
        .then()
        .statusCode(401)
        .header("WWW-Authenticate", "Bearer")
        .contentType("application/problem+json");
    given()
        .header("Authorization", "Bearer not-a-token")
        .when()
        .get("/v1/workspaces/acme/identity-rules")
        .then()
        .statusCode(401);
  }

  @Test
  void tokenOfAnotherWorkspaceCannotReadThisOne() {
    String user = unique("user");
    String profile = graph.resolve(Events.track(WS, user, null)).profileId();
    given()
        .header("Authorization", "Bearer globex-token")
        .when()
        .get("/v1/workspaces/acme/profiles/" + profile)
        .then()
        .statusCode(403);
    given()
        .header("Authorization", "Bearer globex-token")
        .when()
        .get("/v1/workspaces/globex/profiles/" + profile)
        .then()
        .statusCode(404);
  }

  @Test
  void malformedJsonBodyIsA400Problem() {
    given()
        .header("Authorization", TOKEN)
        .contentType(ContentType.JSON)
        .body("{\"type\": ")
        .when()
        .post("/v1/workspaces/acme/profiles/whatever/detach")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("not valid JSON"));
  }

  @Test
  void bodiesOfTheWrongShapeAndNulCharactersAre400Problems() {
    // Found by the end-to-end hostile-input drill: Quarkus answered the first with an empty 400,
    // PostgreSQL refused the second with a 500.
    given()
        .header("Authorization", TOKEN)
        .contentType(ContentType.JSON)
        .body("[42]")
        .when()
        .post("/v1/workspaces/acme/profiles/whatever/detach")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    given()
        .urlEncodingEnabled(false)
        .header("Authorization", TOKEN)
        .when()
        .get("/v1/workspaces/acme/identifiers/email/nul%00byte")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("U+0000"));
  }
}
