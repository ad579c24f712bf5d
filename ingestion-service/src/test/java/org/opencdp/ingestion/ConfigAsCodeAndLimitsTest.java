package org.opencdp.ingestion;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.ingestion.source.ConfigAsCode;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

/** Sources declared in a YAML file applied at start: write key, rate limit and a flag-mode plan. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
class ConfigAsCodeAndLimitsTest {
  /** The write key the file names through an environment variable. */
  static final String POS_KEY = "wk_declared_pos_key_for_tests";

  @Inject ConfigAsCode configAsCode;

  @BeforeEach
  void applyTheDeclaredFile() throws Throwable {
    configAsCode.applyFile(
        Path.of("src/test/resources/sources-as-code.yaml"),
        name -> name.equals("DECLARED_POS_WRITE_KEY") ? POS_KEY : null);
  }

  @Test
  void aDeclaredSourceAcceptsEventsWithItsWriteKeyAndFlagsPlanViolations() {
    try (RawTopic topic = RawTopic.fromNow()) {
      given()
          .auth()
          .preemptive()
          .basic(POS_KEY, "")
          .contentType(ContentType.JSON)
          .body(
              "{\"userId\":\"u\",\"event\":\"Order Completed\",\"properties\":{\"revenue\":\"ten\"}}")
          .post("/v1/track")
          .then()
          .statusCode(200)
          .body("accepted", equalTo(1));

      List<JsonNode> records = topic.sinceMark("declared-shop");
      assertThat(records).hasSize(1);
      assertThat(records.get(0).path("violations").toString()).contains("revenue");
    }
  }

  @Test
  void aSourceOverItsRateLimitGets429WithRetryAfter() {
    StringBuilder batch = new StringBuilder("{\"batch\":[");
    for (int i = 0; i < 4; i++) {
      batch
          .append(i == 0 ? "" : ",")
          .append("{\"type\":\"page\",\"anonymousId\":\"a\",\"messageId\":\"rl-")
          .append(i)
          .append("\"}");
    }
    batch.append("]}");
    given()
        .auth()
        .preemptive()
        .basic(POS_KEY, "")
        .contentType(ContentType.JSON)
        .body(batch.toString())
        .post("/v1/batch")
        .then()
        .statusCode(429)
        .contentType("application/problem+json")
        .header("Retry-After", notNullValue());
  }
}
