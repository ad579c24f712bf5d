package org.opencdp.segment;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.opencdp.segment.support.Api.as;
import static org.opencdp.segment.support.Api.base;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencdp.segment.support.Api;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTest
class SegmentApiTest {
  private static final String WS = "w-api";

  @Test
  void createsReadsUpdatesAndDeletesASegment() {
    Map<String, Object> job =
        Api.createSegment(WS, "pro", "{\"trait\":\"plan\",\"op\":\"equals\",\"value\":\"pro\"}");
    assertThat(job.get("kind")).isEqualTo("BACKFILL");

    as(WS)
        .get(base(WS) + "/segments/pro")
        .then()
        .statusCode(200)
        .body("name", equalTo("Segment pro"))
        .body("version", equalTo(1))
        .body("size", equalTo(0))
        .body("condition.trait", equalTo("plan"));

    String jobId =
        as(WS)
            .body(
                "{\"name\":\"Pro plan\",\"condition\":{\"trait\":\"plan\",\"op\":\"in\",\"values\":[\"pro\",\"team\"]}}")
            .put(base(WS) + "/segments/pro")
            .then()
            .statusCode(200)
            .body("version", equalTo(2))
            .body("name", equalTo("Pro plan"))
            .extract()
            .path("jobId");
    Api.awaitJob(WS, jobId);
    as(WS).get(base(WS) + "/segments").then().statusCode(200).body("id", hasItem("pro"));

    String deleteJob =
        as(WS).delete(base(WS) + "/segments/pro").then().statusCode(202).extract().path("jobId");
    Api.awaitJob(WS, deleteJob);
    as(WS)
        .get(base(WS) + "/segments/pro")
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("status", equalTo(404));
  }

  @Test
  void rejectsAnInvalidConditionWithThePathAndWhatIsWrong() {
    String body =
        """
        {"id":"bad","name":"Bad","condition":{"all":[
          {"trait":"plan","op":"equals","value":"pro"},
          {"trait":"age","op":"gte","value":"eighteen"},
          {"event":"Order Completed","withinLastDays":0},
          {"computed":"orders","op":"sometimes"}
        ]}}
        """;
    List<Map<String, String>> errors =
        as(WS)
            .body(body)
            .post(base(WS) + "/segments")
            .then()
            .statusCode(400)
            .contentType("application/problem+json")
            .body("title", equalTo("Invalid condition"))
            .body("detail", containsString("3 problems"))
            .extract()
            .jsonPath()
            .getList("errors");
    assertThat(errors)
        .extracting(e -> e.get("path"))
        .containsExactly("$.all[1].value", "$.all[2].withinLastDays", "$.all[3].op");
    assertThat(errors.get(0).get("detail")).contains("must be a number");
    as(WS).get(base(WS) + "/segments/bad").then().statusCode(404);
  }

  @Test
  void rejectsReferencesToUnknownSegmentsAndCycles() {
    as(WS)
        .body("{\"id\":\"x\",\"name\":\"X\",\"condition\":{\"segment\":\"nope\"}}")
        .post(base(WS) + "/segments")
        .then()
        .statusCode(400)
        .body("errors[0].path", equalTo("$.segment"))
        .body("errors[0].detail", containsString("no segment 'nope'"));

    Api.createSegment(WS, "base", "{\"consent\":\"email\"}");
    Api.createSegment(
        WS, "derived", "{\"all\":[{\"segment\":\"base\"},{\"trait\":\"vip\",\"op\":\"exists\"}]}");
    as(WS)
        .body("{\"name\":\"Base\",\"condition\":{\"not\":{\"segment\":\"derived\"}}}")
        .put(base(WS) + "/segments/base")
        .then()
        .statusCode(400)
        .body("errors[0].path", equalTo("$.not.segment"))
        .body("errors[0].detail", containsString("cycle"));
    as(WS)
        .delete(base(WS) + "/segments/base")
        .then()
        .statusCode(409)
        .body("detail", containsString("derived"));
  }

  @Test
  void rejectsDuplicateIdsAndBadIds() {
    Api.createSegment(WS, "dup", "{\"consent\":\"sms\"}");
    as(WS)
        .body("{\"id\":\"dup\",\"name\":\"Dup\",\"condition\":{\"consent\":\"sms\"}}")
        .post(base(WS) + "/segments")
        .then()
        .statusCode(409);
    as(WS)
        .body("{\"id\":\"Not A Slug\",\"name\":\"X\",\"condition\":{\"consent\":\"sms\"}}")
        .post(base(WS) + "/segments")
        .then()
        .statusCode(400)
        .body("detail", containsString("'id'"));
    as(WS)
        .body("{not json")
        .post(base(WS) + "/segments")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", not(containsString("Exception")));
  }

  @Test
  void bodiesOfTheWrongShapeAre400Problems() {
    // Found by the end-to-end hostile-input drill: Quarkus answered these with an empty 400.
    for (String body : new String[] {"42", "[]", "{\"id\":{\"$gt\":\"\"},\"name\":\"x\"}"}) {
      as(WS)
          .body(body)
          .post(base(WS) + "/segments")
          .then()
          .statusCode(400)
          .contentType("application/problem+json");
    }
    // and a U+0000 in a path id reached PostgreSQL: 500
    as(WS)
        .urlEncodingEnabled(false)
        .get(base(WS) + "/segments/nul%00byte")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
  }

  @Test
  void requiresATokenOfTheWorkspace() {
    given()
        .get(base(WS) + "/segments")
        .then()
        .statusCode(401)
        .header("WWW-Authenticate", "Bearer")
        .contentType("application/problem+json");
    given()
        .header("Authorization", "Bearer token-w-misc")
        .get(base(WS) + "/segments")
        .then()
        .statusCode(403)
        .body("detail", containsString(WS));
    given()
        .header("Authorization", "Bearer wrong")
        .get(base(WS) + "/segments")
        .then()
        .statusCode(401)
        .body("trace", nullValue());
  }
}
