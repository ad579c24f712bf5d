package org.opencdp.activation;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencdp.activation.support.ActivationTestBase;
import org.opencdp.activation.support.Receiver;
import org.opencdp.contracts.SegmentMembershipChanged;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTest
class ApiTest extends ActivationTestBase {
  @Inject Pool pool;

  @Test
  void destinationSecretsAreEncryptedAtRestAndNeverReturned() {
    String id =
        createDestination(
            "WEBHOOK", Map.of("url", "https://hooks.example.test/x"), "top-secret-value");

    api()
        .get("/v1/workspaces/" + WS + "/destinations/" + id)
        .then()
        .statusCode(200)
        .body("hasSecret", equalTo(true))
        .body("secret", nullValue())
        .body(not(containsString("top-secret-value")));
    String stored =
        pool.preparedQuery("select secret from act_destination where id = $1")
            .executeAndAwait(Tuple.of(id))
            .iterator()
            .next()
            .getString("secret");
    assertThat(stored).startsWith("v1:").doesNotContain("top-secret-value");
  }

  @Test
  void bodiesOfTheWrongShapeAndNulCharactersAre400Problems() {
    // Found by the end-to-end hostile-input drill: Quarkus answered the first with an empty 400,
    // PostgreSQL refused the others with a 500.
    api()
        .body("42")
        .post("/v1/workspaces/" + WS + "/destinations")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    api()
        .urlEncodingEnabled(false)
        .get("/v1/workspaces/" + WS + "/campaigns/nul%00byte")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("U+0000"));
    given()
        .urlEncodingEnabled(false)
        .get("/unsubscribe/nul%00byte")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
  }

  @Test
  void aTokenOnlyReachesItsOwnWorkspace() {
    String id = createDestination("WEBHOOK", Map.of("url", "https://hooks.example.test/y"), null);

    given()
        .get("/v1/workspaces/" + WS + "/destinations")
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .header("WWW-Authenticate", "Bearer");
    given()
        .header("Authorization", "Bearer globex-token")
        .get("/v1/workspaces/" + WS + "/destinations")
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    given()
        .header("Authorization", "Bearer globex-token")
        .get("/v1/workspaces/globex/destinations/" + id)
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    given()
        .header("Authorization", "Bearer globex-token")
        .get("/v1/workspaces/globex/deliveries")
        .then()
        .statusCode(200)
        .body("findAll { it.destinationId == '" + id + "' }.size()", equalTo(0));
  }

  @Test
  void invalidDefinitionsAreRejectedWithProblemDetails() {
    String hook = webhook(Receiver.endpoint(200));
    Map<String, Object> noConsent = campaign(segmentEntered("s"), List.of(send(hook, null, null)));
    noConsent.remove("consentCategory");
    api()
        .body(noConsent)
        .post("/v1/workspaces/" + WS + "/campaigns")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("status", equalTo(400))
        .body("detail", containsString("consentCategory"));
    api()
        .body(campaign(segmentEntered("s"), List.of(send(hook, null, "{#if}oops"))))
        .post("/v1/workspaces/" + WS + "/campaigns")
        .then()
        .statusCode(400)
        .body("detail", containsString("not a valid Qute template"));
    api()
        .body(campaign(segmentEntered("s"), List.of(send("no-such-destination", null, null))))
        .post("/v1/workspaces/" + WS + "/campaigns")
        .then()
        .statusCode(400)
        .body("detail", containsString("no destination"));
    api()
        .body(Map.of("name", "x", "type", "KAFKA", "config", Map.of("topic", "cdp.events.raw")))
        .post("/v1/workspaces/" + WS + "/destinations")
        .then()
        .statusCode(400)
        .body("detail", containsString("platform topics"));
    api()
        .contentType(ContentType.JSON)
        .body("{not json")
        .post("/v1/workspaces/" + WS + "/campaigns")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body(not(containsString("Exception")));
  }

  @Test
  void theDeliveryLogFiltersByCampaignProfileAndStatusAndHoldsNoMessageContent() {
    Receiver.Endpoint hook = Receiver.endpoint(200);
    String segment = unique("seg");
    String campaign =
        createCampaign(
            campaign(
                segmentEntered(segment),
                List.of(send(webhook(hook), null, "private words for {traits.firstName}"))));
    String sent = unique("p");
    String refused = unique("p");
    profile(sent, Map.of("firstName", "Zed", "email", sent + "@example.test"), consent());
    profile(refused, Map.of(), Map.of("marketing", false));

    membership(sent, segment, SegmentMembershipChanged.Kind.ENTERED);
    membership(refused, segment, SegmentMembershipChanged.Kind.ENTERED);
    awaitStatus(campaign, "DELIVERED", 1);
    awaitStatus(campaign, "SKIPPED", 1);

    api()
        .queryParam("campaignId", campaign)
        .queryParam("profileId", sent)
        .get("/v1/workspaces/" + WS + "/deliveries")
        .then()
        .statusCode(200)
        .body("size()", equalTo(1))
        .body("[0].status", equalTo("DELIVERED"))
        .body("[0].channel", equalTo("webhook"))
        .body(not(containsString("private words")))
        .body(not(containsString("@example.test")));
    api()
        .queryParam("campaignId", campaign)
        .queryParam("status", "SKIPPED")
        .get("/v1/workspaces/" + WS + "/deliveries")
        .then()
        .statusCode(200)
        .body("size()", equalTo(1))
        .body("[0].profileId", equalTo(refused));
  }
}
