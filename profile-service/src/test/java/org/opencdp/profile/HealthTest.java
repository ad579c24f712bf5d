package org.opencdp.profile;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.MongoResource;

@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(MongoResource.class)
@QuarkusTest
class HealthTest {

  @Test
  void readinessReflectsRealInfrastructure() {
    given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
  }

  @Test
  void servesOpenApiAndPrometheusMetrics() {
    given()
        .when()
        .get("/q/openapi?format=json")
        .then()
        .statusCode(200)
        .body("paths", org.hamcrest.Matchers.hasKey("/v1/profiles/{ref}"))
        .body("components.securitySchemes.workspaceToken.scheme", equalTo("bearer"));
    given().when().get("/q/metrics").then().statusCode(200);
  }
}
