package org.opencdp.ingestion;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.PrivacyStatus;
import org.opencdp.contracts.Topics;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

/**
 * The gateway's part of privacy requests: refuse a suppressed person, erase what it kept, answer.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
class PrivacyRequestsTest {

  @Test
  void refusesFutureEventsOfASuppressedPersonWithoutKeepingThem() throws Exception {
    Gateway.Tenant tenant = Gateway.newTenant();
    try (RawTopic status = RawTopic.fromNow(PrivacyStatus.TOPIC);
        RawTopic raw = RawTopic.fromNow()) {
      String requestId = request(tenant.workspace(), "SUPPRESS", "user_id", "quiet-user");
      awaitDone(status, tenant.workspace(), requestId);

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> track(tenant, "quiet-user").extract().statusCode() == 400);
      track(tenant, "quiet-user")
          .body("detail", equalTo("The person asked not to be tracked (suppressed)."));
      track(tenant, "someone-else").statusCode(200);

      assertThat(raw.sinceMark(tenant.workspace()))
          .extracting(r -> r.path("userId").asText())
          .doesNotContain("quiet-user");
      List<Map<String, Object>> kept =
          given()
              .auth()
              .oauth2(tenant.token())
              .get("/api/v1/workspaces/{ws}/rejected-events", tenant.workspace())
              .then()
              .statusCode(200)
              .extract()
              .path("$");
      assertThat(kept).isNotEmpty().allSatisfy(row -> assertThat(row.get("payload")).isNull());
    }
  }

  @Test
  void aDeleteErasesTheRefusedPayloadsThatNameThePerson() throws Exception {
    Gateway.Tenant tenant = Gateway.newTenant();
    given()
        .contentType(ContentType.JSON)
        .body("{\"writeKey\":\"" + tenant.writeKey() + "\",\"userId\":\"erase-me\"}")
        .post("/v1/track")
        .then()
        .statusCode(400);
    given()
        .auth()
        .oauth2(tenant.token())
        .get("/api/v1/workspaces/{ws}/rejected-events", tenant.workspace())
        .then()
        .body("$", org.hamcrest.Matchers.hasSize(1));

    try (RawTopic status = RawTopic.fromNow(PrivacyStatus.TOPIC)) {
      String requestId = request(tenant.workspace(), "DELETE", "user_id", "erase-me");
      awaitDone(status, tenant.workspace(), requestId);
    }
    given()
        .auth()
        .oauth2(tenant.token())
        .get("/api/v1/workspaces/{ws}/rejected-events", tenant.workspace())
        .then()
        .body("$", org.hamcrest.Matchers.hasSize(0));
  }

  private static io.restassured.response.ValidatableResponse track(
      Gateway.Tenant tenant, String userId) {
    return given()
        .contentType(ContentType.JSON)
        .body(
            "{\"writeKey\":\""
                + tenant.writeKey()
                + "\",\"userId\":\""
                + userId
                + "\",\"event\":\"Viewed\"}")
        .post("/v1/track")
        .then();
  }

  private static void awaitDone(RawTopic status, String workspace, String requestId) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                status.sinceMark(workspace).stream()
                    .anyMatch(
                        (JsonNode s) ->
                            s.path("requestId").asText().equals(requestId)
                                && s.path("service").asText().equals("ingestion-service")
                                && s.path("state").asText().equals("DONE")));
  }

  private static String request(String workspace, String kind, String type, String value)
      throws Exception {
    String requestId = UUID.randomUUID().toString();
    String json =
        """
        {"requestId":"%s","workspaceId":"%s","kind":"%s","profileId":"p-1",
         "identifiers":[{"type":"%s","value":"%s"}],"requestedAt":"2026-11-25T10:00:00Z"}
        """
            .formatted(requestId, workspace, kind, type, value);
    String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    RawTopic.ensureTopic(bootstrap, Topics.PRIVACY_REQUESTS);
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of("bootstrap.servers", bootstrap),
            new StringSerializer(),
            new StringSerializer())) {
      producer.send(new ProducerRecord<>(Topics.PRIVACY_REQUESTS, workspace + ":p-1", json)).get();
    }
    return requestId;
  }
}
