package org.opencdp.ingestion;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
class TrackingApiTest {
  @TestHTTPResource("/v1/batch")
  URI batchUri;

  private Gateway.Tenant tenant;
  private RawTopic topic;

  @BeforeEach
  void setUp() {
    tenant = Gateway.newTenant();
    topic = RawTopic.fromNow();
  }

  @AfterEach
  void tearDown() {
    topic.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"track", "t"})
  void acceptsTrackWithWriteKeyAsBasicUsername(String path) {
    given()
        .auth()
        .preemptive()
        .basic(tenant.writeKey(), "")
        .contentType(ContentType.JSON)
        .body("{\"userId\":\"u1\",\"event\":\"Signed Up\",\"properties\":{\"plan\":\"pro\"}}")
        .post("/v1/" + path)
        .then()
        .statusCode(200)
        .body("success", equalTo(true))
        .body("accepted", equalTo(1));

    List<JsonNode> records = topic.sinceMark(tenant.workspace());
    assertThat(records).hasSize(1);
    JsonNode event = records.get(0);
    assertThat(event.path("type").asText()).isEqualTo("track");
    assertThat(event.path("event").asText()).isEqualTo("Signed Up");
    assertThat(event.path("sourceId").asText()).isEqualTo("web");
    assertThat(event.path("messageId").asText()).isNotBlank();
    assertThat(event.path("receivedAt").asText()).isNotBlank();
    assertThat(event.path("_key").asText()).isEqualTo(tenant.workspace() + ":u:u1");
  }

  @Test
  void acceptsBatchWithWriteKeyInBodyAsTextPlainAndMergesBatchContext() {
    String body =
        """
        {"writeKey":"%s","sentAt":"2026-01-01T10:00:10Z",
         "context":{"library":{"name":"analytics-java","version":"3.5.4"},"ip":"10.0.0.1"},
         "batch":[
          {"type":"identify","userId":"u1","traits":{"email":"a@example.com"},"messageId":"m1",
           "originalTimestamp":"2026-01-01T10:00:00Z"},
          {"type":"page","anonymousId":"a1","name":"Home","messageId":"m2",
           "context":{"ip":"10.0.0.2","page":{"path":"/"}}}
         ]}
        """
            .formatted(tenant.writeKey());
    given()
        .contentType("text/plain")
        .body(body)
        .post("/v1/batch")
        .then()
        .statusCode(200)
        .body("accepted", equalTo(2));

    List<JsonNode> records = topic.sinceMark(tenant.workspace());
    assertThat(records).hasSize(2);
    JsonNode identify = byMessageId(records, "m1");
    JsonNode page = byMessageId(records, "m2");
    assertThat(identify.path("context").path("library").path("name").asText())
        .isEqualTo("analytics-java");
    assertThat(page.path("context").path("ip").asText()).isEqualTo("10.0.0.2");
    assertThat(page.path("context").path("page").path("path").asText()).isEqualTo("/");
    assertThat(page.path("context").path("library").path("version").asText()).isEqualTo("3.5.4");
    assertThat(identify.path("sentAt").asText()).isEqualTo("2026-01-01T10:00:10Z");
    assertThat(identify.path("originalTimestamp").asText()).isEqualTo("2026-01-01T10:00:00Z");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/import", "/v1/import/", "/v1/b"})
  void acceptsEveryBatchPath(String path) {
    given()
        .contentType(ContentType.JSON)
        .body(batchOf(tenant.writeKey(), "m-" + UUID.randomUUID()))
        .post(path)
        .then()
        .statusCode(200)
        .body("accepted", equalTo(1));
    assertThat(topic.sinceMark(tenant.workspace())).hasSize(1);
  }

  @Test
  void acceptsGzippedFormUrlEncodedBodyAsRudderNodeSendsIt() throws Exception {
    // rest-assured cannot send raw bytes as a form, so a plain JDK client sends it like
    // rudder-node.
    String basic =
        java.util.Base64.getEncoder()
            .encodeToString((tenant.writeKey() + ":").getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(batchUri)
            .header("Authorization", "Basic " + basic)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Content-Encoding", "gzip")
            .POST(
                HttpRequest.BodyPublishers.ofByteArray(
                    gzip(batchOf(tenant.writeKey(), "rudder-1"))))
            .build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"accepted\":1");
    assertThat(topic.sinceMark(tenant.workspace()))
        .extracting(r -> r.path("messageId").asText())
        .containsExactly("rudder-1");
  }

  @Test
  void derivesTimestampFromRudderStackOriginalTimestampAndSentAtCorrectingClockSkew() {
    String body =
        """
        {"batch":[{"type":"track","event":"E","userId":"u","messageId":"skew",
          "originalTimestamp":"2020-01-01T00:00:00Z","sentAt":"2020-01-01T00:00:05Z"}]}
        """;
    given()
        .auth()
        .preemptive()
        .basic(tenant.writeKey(), "")
        .contentType(ContentType.JSON)
        .body(body)
        .post("/v1/batch")
        .then()
        .statusCode(200);
    JsonNode event = topic.sinceMark(tenant.workspace()).get(0);
    java.time.Instant received = java.time.Instant.parse(event.path("receivedAt").asText());
    java.time.Instant timestamp = java.time.Instant.parse(event.path("timestamp").asText());
    assertThat(timestamp).isEqualTo(received.minusSeconds(5));
  }

  @Test
  void dropsRetriedMessagesByMessageIdWithinTheWindow() {
    String body = batchOf(tenant.writeKey(), "retry-me");
    given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/v1/batch")
        .then()
        .statusCode(200)
        .body("accepted", equalTo(1));
    given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/v1/batch")
        .then()
        .statusCode(200)
        .body("accepted", equalTo(0))
        .body("duplicates", equalTo(1));
    assertThat(topic.sinceMark(tenant.workspace())).hasSize(1);
  }

  @Test
  void generatesMessageIdWhenAbsent() {
    given()
        .contentType(ContentType.JSON)
        .body(
            "{\"writeKey\":\"" + tenant.writeKey() + "\",\"anonymousId\":\"a\",\"name\":\"Home\"}")
        .post("/v1/page")
        .then()
        .statusCode(200);
    JsonNode event = topic.sinceMark(tenant.workspace()).get(0);
    assertThat(UUID.fromString(event.path("messageId").asText())).isNotNull();
    assertThat(event.path("type").asText()).isEqualTo("page");
  }

  @Test
  void acceptsValidEventsOfABatchAndKeepsInvalidOnesWithTheirReason() {
    String body =
        """
        {"writeKey":"%s","batch":[
          {"type":"track","userId":"u1","event":"Good","messageId":"good-1"},
          {"type":"track","userId":"u1","messageId":"no-event"},
          {"type":"alias","userId":"u1","messageId":"no-previous"}
        ]}
        """
            .formatted(tenant.writeKey());
    given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/v1/batch")
        .then()
        .statusCode(200)
        .body("accepted", equalTo(1))
        .body("rejected", hasSize(2))
        .body("rejected[0].index", equalTo(1))
        .body("rejected[0].reason", equalTo("A track call needs \"event\"."));

    assertThat(topic.sinceMark(tenant.workspace()))
        .extracting(r -> r.path("messageId").asText())
        .containsExactly("good-1");
    given()
        .auth()
        .oauth2(tenant.token())
        .get("/api/v1/workspaces/{ws}/rejected-events", tenant.workspace())
        .then()
        .statusCode(200)
        .body("$", hasSize(2))
        .body("messageId", org.hamcrest.Matchers.containsInAnyOrder("no-event", "no-previous"));
  }

  @Test
  void answersCorsPreflightForBrowserSdks() {
    given()
        .header("Origin", "https://shop.example.com")
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "authorization,content-type,x-retry-count,anonymousid,sentat")
        .options("/v1/t")
        .then()
        .statusCode(200)
        .header("Access-Control-Allow-Origin", "https://shop.example.com");
  }

  @Test
  void servesSdkSettingsPointingBackAtTheGateway() {
    given()
        .get("/v1/projects/{key}/settings", tenant.writeKey())
        .then()
        .statusCode(200)
        .body("integrations.'Segment.io'.apiKey", equalTo(tenant.writeKey()))
        .body("integrations.'Segment.io'.apiHost", org.hamcrest.Matchers.endsWith("/v1"));
    given().get("/v1/projects/{key}/settings", "wk_unknown").then().statusCode(404);
  }

  @Test
  void countsEventsPerSourceAndOutcomeInPrometheusMetrics() {
    String body = batchOf(tenant.writeKey(), "metric-1");
    given().contentType(ContentType.JSON).body(body).post("/v1/batch").then().statusCode(200);
    given().contentType(ContentType.JSON).body(body).post("/v1/batch").then().statusCode(200);
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(
            org.hamcrest.Matchers.containsString(
                "cdp_ingest_events_total{outcome=\"accepted\",source=\"web\"}"))
        .body(
            org.hamcrest.Matchers.containsString(
                "cdp_ingest_events_total{outcome=\"duplicate\",source=\"web\"}"))
        .body(org.hamcrest.Matchers.containsString("cdp_ingest_kafka_ack_seconds"));
  }

  @Test
  void readinessChecksKafkaPostgresAndRedis() {
    String health = given().get("/q/health/ready").then().statusCode(200).extract().asString();
    assertThat(health)
        .contains("Kafka")
        .contains("Redis")
        .containsIgnoringCase("Reactive PostgreSQL");
  }

  static String batchOf(String writeKey, String messageId) {
    return """
        {"writeKey":"%s","batch":[{"type":"track","userId":"u1","event":"Viewed","messageId":"%s"}]}
        """
        .formatted(writeKey, messageId);
  }

  static byte[] gzip(String text) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  private static JsonNode byMessageId(List<JsonNode> records, String id) {
    return records.stream()
        .filter(r -> id.equals(r.path("messageId").asText()))
        .findFirst()
        .orElseThrow();
  }
}
