package org.opencdp.ingestion;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

/** CRM and store exports go through the same validation and Kafka path, as jobs with progress. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
class BulkImportTest {

  @Test
  void importsAStorePurchaseCsvWithProgressAndDownloadableRowErrors() {
    Gateway.Tenant tenant = Gateway.newTenant();
    String csv =
        """
        type,userId,event,timestamp,properties.revenue,properties.store
        track,shopper-1,Order Completed,2026-03-01T10:00:00Z,42.50,Lyon
        track,,Order Completed,2026-03-01T11:00:00Z,10,Paris
        track,shopper-2,Order Completed,2026-03-01T12:00:00Z,7,Nantes
        """;
    try (RawTopic topic = RawTopic.fromNow()) {
      String job = start(tenant, "events", "csv", csv);

      awaitDone(tenant, job)
          .body("totalRows", equalTo(3))
          .body("rowsDone", equalTo(3))
          .body("rowsFailed", equalTo(1));

      List<JsonNode> records = topic.sinceMark(tenant.workspace());
      assertThat(records)
          .extracting(r -> r.path("userId").asText())
          .containsExactlyInAnyOrder("shopper-1", "shopper-2");
      JsonNode lyon =
          records.stream()
              .filter(r -> r.path("userId").asText().equals("shopper-1"))
              .findFirst()
              .orElseThrow();
      assertThat(lyon.path("properties").path("revenue").decimalValue())
          .isEqualByComparingTo("42.50");
      assertThat(lyon.path("timestamp").asText()).isEqualTo("2026-03-01T10:00:00Z");
      String errors =
          given()
              .auth()
              .oauth2(tenant.token())
              .get(
                  "/api/v1/workspaces/{ws}/sources/{src}/imports/{job}/errors",
                  tenant.workspace(),
                  tenant.source(),
                  job)
              .then()
              .statusCode(200)
              .extract()
              .asString();
      assertThat(errors)
          .startsWith("row,reason\n")
          .contains("2,\"Either \"\"userId\"\" or \"\"anonymousId\"\" is required.\"");
    }
  }

  @Test
  void importsProfilesFromNdjsonAsIdentifyCalls() {
    Gateway.Tenant tenant = Gateway.newTenant();
    String ndjson =
        """
        {"userId":"crm-1","email":"one@example.com","plan":"gold"}
        {"userId":"crm-2","traits":{"email":"two@example.com"}}
        not json
        """;
    try (RawTopic topic = RawTopic.fromNow()) {
      String job = start(tenant, "profiles", "ndjson", ndjson);
      awaitDone(tenant, job).body("rowsFailed", equalTo(1));

      List<JsonNode> records = topic.sinceMark(tenant.workspace());
      assertThat(records).extracting(r -> r.path("type").asText()).containsOnly("identify");
      JsonNode first =
          records.stream()
              .filter(r -> r.path("userId").asText().equals("crm-1"))
              .findFirst()
              .orElseThrow();
      assertThat(first.path("traits").path("plan").asText()).isEqualTo("gold");
      assertThat(first.path("traits").path("email").asText()).isEqualTo("one@example.com");
    }
  }

  @Test
  void refusesAnImportWithAnUnknownKind() {
    Gateway.Tenant tenant = Gateway.newTenant();
    given()
        .auth()
        .oauth2(tenant.token())
        .contentType("text/csv")
        .body("a\n1\n")
        .post(
            "/api/v1/workspaces/{ws}/sources/{src}/imports?kind=people&format=csv",
            tenant.workspace(),
            tenant.source())
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
  }

  private static String start(Gateway.Tenant tenant, String kind, String format, String body) {
    return given()
        .auth()
        .oauth2(tenant.token())
        .contentType("text/plain")
        .body(body)
        .post(
            "/api/v1/workspaces/{ws}/sources/{src}/imports?kind={k}&format={f}",
            tenant.workspace(),
            tenant.source(),
            kind,
            format)
        .then()
        .statusCode(202)
        .body("status", equalTo("QUEUED"))
        .extract()
        .path("id");
  }

  private static io.restassured.response.ValidatableResponse awaitDone(
      Gateway.Tenant tenant, String job) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> "DONE".equals(progress(tenant, job).extract().path("status")));
    return progress(tenant, job);
  }

  private static io.restassured.response.ValidatableResponse progress(
      Gateway.Tenant tenant, String job) {
    return given()
        .auth()
        .oauth2(tenant.token())
        .get(
            "/api/v1/workspaces/{ws}/sources/{src}/imports/{job}",
            tenant.workspace(),
            tenant.source(),
            job)
        .then()
        .statusCode(200);
  }
}
