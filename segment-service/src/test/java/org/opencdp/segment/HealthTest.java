package org.opencdp.segment;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.opencdp.segment.support.TestKafka.awaitMembership;
import static org.opencdp.segment.support.TestKafka.entered;
import static org.opencdp.segment.support.TestKafka.profile;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.opencdp.segment.support.Api;
import org.opencdp.segment.support.TestKafka;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

/** Health, OpenAPI and the service's own Prometheus metrics. */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTest
class HealthTest {
  private static final String WS = "w-ops";

  @Test
  void readinessReflectsRealInfrastructure() {
    given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
  }

  @Test
  void openApiDocumentsEveryEndpoint() {
    String document =
        given()
            .accept("application/json")
            .get("/q/openapi")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    for (String path :
        new String[] {
          "/v1/workspaces/{workspaceId}/segments",
          "/v1/workspaces/{workspaceId}/segments/preview",
          "/v1/workspaces/{workspaceId}/segments/{segmentId}",
          "/v1/workspaces/{workspaceId}/segments/{segmentId}/members",
          "/v1/workspaces/{workspaceId}/segments/{segmentId}/members/{profileId}",
          "/v1/workspaces/{workspaceId}/segments/{segmentId}/history",
          "/v1/workspaces/{workspaceId}/profiles/{profileId}/segments",
          "/v1/workspaces/{workspaceId}/profiles/{profileId}/history",
          "/v1/workspaces/{workspaceId}/membership/rebuild",
          "/v1/workspaces/{workspaceId}/jobs/{jobId}"
        }) {
      assertThat(document).as(path).contains("\"" + path + "\"");
    }
  }

  @Test
  void metricsReportEvaluationsTimerLagAndSegmentSizes() {
    Api.createSegment(WS, "ops-gold", "{\"trait\":\"tier\",\"op\":\"equals\",\"value\":\"gold\"}");
    double before = counter("segment_evaluations_total", "trigger=\"realtime\"");
    for (int i = 0; i < 3; i++) {
      TestKafka.send(
          profile(WS, "ops-" + i, 1, Map.of("tier", "gold"), Map.of(), Map.of(), "traits.tier"));
    }
    for (int i = 0; i < 3; i++) {
      awaitMembership(WS, entered("ops-" + i, "ops-gold"));
    }
    // evaluations/s is the rate of this counter: one evaluation per profile here
    assertThat(counter("segment_evaluations_total", "trigger=\"realtime\"") - before)
        .isGreaterThanOrEqualTo(3.0);
    // the segment size gauge follows Redis (refreshed every second in tests)
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                metric("segment_members", "segment=\"ops-gold\"", "workspace=\"" + WS + "\"")
                    == 3.0);
    // the lag gauge exists from the start (its value is checked in TimeWindowTest)
    assertThat(metric("segment_timer_lag_seconds")).isGreaterThanOrEqualTo(0.0);
    assertThat(metric("segment_profile_change_seconds_count")).isGreaterThan(0.0);
  }

  /** The first sample of {@code name} whose labels contain all of {@code labels}; NaN if none. */
  private static double metric(String name, String... labels) {
    String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
    Matcher m =
        Pattern.compile(
                "^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+|NaN)$", Pattern.MULTILINE)
            .matcher(text);
    while (m.find()) {
      String found = m.group(1) == null ? "" : m.group(1);
      boolean all = true;
      for (String label : labels) {
        all &= found.contains(label);
      }
      if (all) {
        return Double.parseDouble(m.group(2));
      }
    }
    return Double.NaN;
  }

  private static double counter(String name, String... labels) {
    double value = metric(name, labels);
    return Double.isNaN(value) ? 0 : value;
  }
}
