package org.opencdp.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.identity.support.Events;
import org.opencdp.identity.support.KafkaTestClient;
import org.opencdp.identity.support.TopicsResource;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;

/** Health, metrics and the OpenAPI document, read as an operator or a client would. */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(TopicsResource.class)
@QuarkusTest
class HealthTest {
  private final KafkaTestClient kafka = KafkaTestClient.get();

  @Test
  void readinessReflectsRealInfrastructure() {
    given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
  }

  @Test
  void servesPrometheusMetrics() {
    given()
        .when()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("cdp_identity_merges_total"))
        .body(containsString("cdp_identity_resolution_duration_seconds"))
        .body(containsString("kafka_consumer_"));
  }

  @Test
  void metricsCountResolutionsMergesRuleRejectionsAndExposeConsumerLag() {
    String before = metrics();
    String ws = Events.workspace("metrics");
    EventEnvelope anonymous = Events.track(ws, null, "anon-m");
    EventEnvelope known = Events.track(ws, "user-m", null);
    kafka.send(anonymous);
    kafka.send(known);
    kafka.awaitResolved(anonymous);
    kafka.awaitResolved(known);
    EventEnvelope merging =
        Events.identify(ws, "user-m", "anon-m", Map.of("email", "test@example.com"));
    kafka.send(merging);
    kafka.awaitResolved(merging);

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              String after = metrics();
              assertThat(
                      delta(before, after, "cdp_identity_resolutions_total", "outcome=\"created\""))
                  .isGreaterThanOrEqualTo(2);
              assertThat(
                      delta(before, after, "cdp_identity_resolutions_total", "outcome=\"merged\""))
                  .isGreaterThanOrEqualTo(1);
              assertThat(delta(before, after, "cdp_identity_merges_total", null))
                  .isGreaterThanOrEqualTo(1);
              assertThat(
                      delta(
                          before, after, "cdp_identity_rule_rejections_total", "rule=\"blocked\""))
                  .isGreaterThanOrEqualTo(1);
              assertThat(value(after, "cdp_identity_resolution_duration_seconds_count", null))
                  .isGreaterThanOrEqualTo(3);
              assertThat(after).contains("kafka_consumer_fetch_manager_records_lag_max");
            });
  }

  @Test
  void openApiDocumentsTheGraphRulesAndSplitEndpoints() {
    given()
        .when()
        .get("/q/openapi?format=json")
        .then()
        .statusCode(200)
        .body(containsString("/v1/workspaces/{workspaceId}/identifiers/{type}/{value}"))
        .body(containsString("/v1/workspaces/{workspaceId}/profiles/{profileId}/merges"))
        .body(containsString("/v1/workspaces/{workspaceId}/merges/{mergeId}/undo"))
        .body(containsString("/v1/workspaces/{workspaceId}/profiles/{profileId}/detach"))
        .body(containsString("/v1/workspaces/{workspaceId}/splits/{splitId}/lift"))
        .body(containsString("/v1/workspaces/{workspaceId}/identity-rules"));
  }

  private static String metrics() {
    return given().when().get("/q/metrics").then().statusCode(200).extract().asString();
  }

  private static double delta(String before, String after, String name, String label) {
    return value(after, name, label) - value(before, name, label);
  }

  /** Sum of the samples of a Prometheus metric (optionally only those with the label). */
  private static double value(String exposition, String name, String label) {
    return exposition
        .lines()
        .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
        .filter(line -> label == null || line.contains(label))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }
}
