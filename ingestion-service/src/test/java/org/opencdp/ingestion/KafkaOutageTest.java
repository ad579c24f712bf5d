package org.opencdp.ingestion;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.opencdp.testsupport.Infrastructure;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

/**
 * A 2xx means durable: with Kafka down the gateway answers 503, and the retry after it returns
 * wins.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
class KafkaOutageTest {

  @Test
  void answers503WithRetryAfterWhileKafkaIsDownThenAcceptsTheRetryWithoutLoss() {
    Gateway.Tenant tenant = Gateway.newTenant();
    String body = TrackingApiTest.batchOf(tenant.writeKey(), "during-outage");
    try (RawTopic topic = RawTopic.fromNow()) {
      Infrastructure.kafka().kill();
      try {
        given()
            .contentType(ContentType.JSON)
            .body(body)
            .post("/v1/batch")
            .then()
            .statusCode(503)
            .contentType("application/problem+json")
            .header("Retry-After", notNullValue())
            .body("status", equalTo(503));
      } finally {
        Infrastructure.kafka().start();
      }

      // The SDK retries the same bytes; exactly one copy must end up in the log.
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(60))
          .pollInterval(java.time.Duration.ofSeconds(1))
          .until(
              () ->
                  given().contentType(ContentType.JSON).body(body).post("/v1/batch").statusCode()
                      == 200);
      assertThat(topic.sinceMark(tenant.workspace()))
          .extracting(r -> r.path("messageId").asText())
          .containsOnly("during-outage")
          .hasSizeLessThanOrEqualTo(2);
      given()
          .contentType(ContentType.JSON)
          .body(body)
          .post("/v1/batch")
          .then()
          .statusCode(200)
          .body("duplicates", equalTo(1));
    }
  }
}
