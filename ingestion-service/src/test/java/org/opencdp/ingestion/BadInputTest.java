package org.opencdp.ingestion;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

/** Every class of bad input gets a 4xx problem+json, and nothing reaches Kafka. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
class BadInputTest {
  private Gateway.Tenant tenant;
  private RawTopic topic;

  @BeforeEach
  void setUp() {
    tenant = Gateway.newTenant();
    topic = RawTopic.fromNow();
  }

  @AfterEach
  void nothingReachedKafka() {
    assertThat(topic.sinceMark(tenant.workspace())).isEmpty();
    topic.close();
  }

  @Test
  void refusesMissingWriteKey() {
    problem(
            given().contentType(ContentType.JSON).body(track("\"userId\":\"u\"")).post("/v1/track"),
            401)
        .body("detail", containsString("write key is required"));
  }

  @Test
  void refusesUnknownWriteKey() {
    problem(
            given()
                .auth()
                .preemptive()
                .basic("wk_not-a-real-key", "")
                .contentType(ContentType.JSON)
                .body(track("\"userId\":\"u\""))
                .post("/v1/track"),
            401)
        .body("detail", equalTo("The write key is not valid."));
  }

  @Test
  void refusesMalformedJson() {
    problem(send("/v1/track", "{\"userId\": \"u\", \"event\": "), 400)
        .body("detail", containsString("not valid JSON"));
  }

  @Test
  void refusesInvalidUtf8() {
    byte[] body = "{\"userId\":\"u\",\"event\":\"E\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
    problem(sendBytes("/v1/track", body, null), 400);
  }

  @Test
  void refusesEventOver32KB() {
    String big = "x".repeat(33_000);
    problem(
            send("/v1/track", track("\"userId\":\"u\",\"properties\":{\"blob\":\"" + big + "\"}")),
            400)
        .body("detail", containsString("oversized value"));
  }

  @Test
  void refusesBatchOver500KB() {
    StringBuilder batch = new StringBuilder("{\"batch\":[");
    for (int i = 0; i < 40; i++) {
      batch
          .append(i == 0 ? "" : ",")
          .append("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"properties\":{\"p\":\"")
          .append("y".repeat(15_000))
          .append("\"}}");
    }
    batch.append("]}");
    problem(send("/v1/batch", batch.toString()), 413).body("detail", containsString("512000"));
  }

  @Test
  void refusesBatchOf2501Events() {
    StringBuilder batch = new StringBuilder("{\"batch\":[");
    for (int i = 0; i < 2501; i++) {
      batch.append(i == 0 ? "" : ",").append("{\"type\":\"page\",\"anonymousId\":\"a\"}");
    }
    batch.append("]}");
    problem(send("/v1/batch", batch.toString()), 413).body("detail", containsString("2500"));
  }

  @Test
  void refusesGzipBombCheaply() throws Exception {
    // 50 MB of zeros compress to about 50 KB; the gateway stops inflating at the 500 KB limit.
    java.io.ByteArrayOutputStream compressed = new java.io.ByteArrayOutputStream();
    try (var gzip = new java.util.zip.GZIPOutputStream(compressed)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 50; i++) {
        gzip.write(zeros);
      }
    }
    problem(sendBytes("/v1/batch", compressed.toByteArray(), "gzip"), 413);
  }

  @Test
  void refusesDeeplyNestedJson() {
    String deep = "{\"a\":".repeat(40) + "1" + "}".repeat(40);
    problem(send("/v1/track", track("\"userId\":\"u\",\"properties\":" + deep)), 400)
        .body("detail", containsString("nested deeper"));
  }

  @Test
  void refusesEventWithoutAnyId() {
    problem(send("/v1/track", track("\"properties\":{}")), 400)
        .body("detail", equalTo("Either \"userId\" or \"anonymousId\" is required."));
  }

  @Test
  void refusesGroupWithoutGroupId() {
    problem(send("/v1/group", "{\"userId\":\"u\"}"), 400)
        .body("detail", equalTo("A group call needs \"groupId\"."));
  }

  @Test
  void refusesMongoOperatorKeys() {
    problem(send("/v1/identify", "{\"userId\":\"u\",\"traits\":{\"$where\":\"1\"}}"), 400)
        .body("detail", containsString("\"$where\""));
  }

  @Test
  void refusesDottedKeysInNestedProperties() {
    problem(send("/v1/track", track("\"userId\":\"u\",\"properties\":{\"cart\":{\"a.b\":1}}")), 400)
        .body("detail", containsString("properties.cart"));
  }

  @Test
  void refusesWrongTypes() {
    problem(send("/v1/track", "{\"userId\":{\"x\":1},\"event\":\"E\"}"), 400)
        .body("detail", equalTo("\"userId\" must be a string."));
    problem(send("/v1/track", track("\"userId\":\"u\",\"timestamp\":\"yesterday\"")), 400)
        .body("detail", containsString("ISO-8601"));
  }

  @Test
  void refusesEventsBlockedByTheTrackingPlan() {
    tenant =
        Gateway.newTenant(
            Map.of(
                "name", "Strict",
                "planMode", "BLOCK",
                "trackingPlan",
                    Map.of(
                        "events",
                        Map.of(
                            "Order Completed",
                            Map.of(
                                "type", "object",
                                "required", java.util.List.of("revenue"),
                                "properties", Map.of("revenue", Map.of("type", "number")))))));
    problem(send("/v1/track", "{\"userId\":\"u\",\"event\":\"Unplanned\"}"), 400)
        .body("detail", containsString("not in the tracking plan"));
    problem(
            send(
                "/v1/track",
                "{\"userId\":\"u\",\"event\":\"Order Completed\",\"properties\":{\"revenue\":\"ten\"}}"),
            400)
        .body("detail", containsString("Blocked by the tracking plan"));
  }

  @Test
  void refusesNonJsonObjectBodies() {
    problem(send("/v1/track", "[1,2,3]"), 400).body("detail", containsString("JSON object"));
    problem(send("/v1/batch", "{\"batch\":\"nope\"}"), 400).body("detail", containsString("array"));
  }

  private ValidatableResponse send(String path, String body) {
    return given()
        .auth()
        .preemptive()
        .basic(tenant.writeKey(), "")
        .contentType(ContentType.JSON)
        .body(body)
        .post(path)
        .then();
  }

  private ValidatableResponse sendBytes(String path, byte[] body, String encoding) {
    var request =
        given()
            .auth()
            .preemptive()
            .basic(tenant.writeKey(), "")
            .contentType("text/plain")
            .body(body);
    if (encoding != null) {
      request.header("Content-Encoding", encoding);
    }
    return request.post(path).then();
  }

  private static ValidatableResponse problem(ValidatableResponse response, int status) {
    return response
        .statusCode(status)
        .contentType("application/problem+json")
        .body("status", equalTo(status))
        .body("title", org.hamcrest.Matchers.notNullValue())
        .body("detail", org.hamcrest.Matchers.notNullValue());
  }

  private static ValidatableResponse problem(
      io.restassured.response.Response response, int status) {
    return problem(response.then(), status);
  }

  private static String track(String fields) {
    return "{\"event\":\"Viewed\"," + fields + "}";
  }
}
