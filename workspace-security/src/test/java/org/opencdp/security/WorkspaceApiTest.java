package org.opencdp.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.opencdp.security.problem.ProblemMapper;

/** The filter and the problem+json mappers inside a running Quarkus app (test-only endpoints). */
@QuarkusTest
class WorkspaceApiTest {
  private static final String PROBLEM_JSON = "application/problem+json";
  private static final String ACME = "/v1/workspaces/acme";

  private static RequestSpecification as(String token) {
    return given().header("Authorization", "Bearer " + token);
  }

  @Test
  void withoutATokenTheAnswerIs401ProblemJson() {
    given()
        .get(ACME + "/whoami")
        .then()
        .statusCode(401)
        .contentType(PROBLEM_JSON)
        .header("WWW-Authenticate", "Bearer")
        .body("type", equalTo("about:blank"))
        .body("title", equalTo("Unauthorized"))
        .body("status", equalTo(401))
        .body("detail", containsString("Authorization: Bearer"))
        .body("instance", equalTo(ACME + "/whoami"));
    as("made-up").get(ACME + "/whoami").then().statusCode(401).contentType(PROBLEM_JSON);
  }

  @Test
  void aTokenOfAnotherWorkspaceIs403() {
    as("globex-token")
        .get(ACME + "/whoami")
        .then()
        .statusCode(403)
        .contentType(PROBLEM_JSON)
        .body("title", equalTo("Forbidden"))
        .body("detail", containsString("acme"));
  }

  @Test
  void everyTokenOfTheWorkspaceIsAllowedAndRecorded() {
    as("acme-token")
        .get(ACME + "/whoami")
        .then()
        .statusCode(200)
        .body("workspace", equalTo("acme"))
        .body("actor", startsWith("token:"))
        .body("actor", not(containsString("acme-token")));
    as("acme-rotated").get(ACME + "/whoami").then().statusCode(200);
  }

  @Test
  void tokenScopedPathsTakeTheWorkspaceFromTheToken() {
    as("globex-token").get("/v1/me").then().statusCode(200).body(equalTo("globex"));
    given().get("/v1/me").then().statusCode(401).contentType(PROBLEM_JSON);
    as("made-up").get("/v1/me").then().statusCode(401);
  }

  @Test
  void pathsWithoutWorkspaceOutsideTokenScopedPrefixesArePublic() {
    given().get("/t/d-1").then().statusCode(200).body(equalTo("ok"));
  }

  @Test
  void aProblemExceptionIsRenderedWithItsStatusTitleAndDetail() {
    as("acme-token")
        .get(ACME + "/missing")
        .then()
        .statusCode(404)
        .contentType(PROBLEM_JSON)
        .body("type", equalTo("about:blank"))
        .body("title", equalTo("Not Found"))
        .body("status", equalTo(404))
        .body("detail", equalTo("no thing 7 in this workspace"))
        .body("instance", equalTo(ACME + "/missing"));
  }

  @Test
  void severalFaultsAreListedInErrors() {
    as("acme-token")
        .get(ACME + "/several")
        .then()
        .statusCode(400)
        .contentType(PROBLEM_JSON)
        .body("title", equalTo("Invalid condition"))
        .body("errors[0].path", equalTo("$.all[0]"))
        .body("errors[0].detail", equalTo("unknown operator"))
        .body("errors.size()", equalTo(2));
  }

  @Test
  void unreadableOrMisshapedJsonIs400() {
    as("acme-token")
        .contentType("application/json")
        .body("{\"name\": ")
        .post(ACME + "/things")
        .then()
        .statusCode(400)
        .contentType(PROBLEM_JSON)
        .body("detail", containsString("not valid JSON"));
    as("acme-token")
        .contentType("application/json")
        .body("{\"name\": \"a\", \"count\": \"many\"}")
        .post(ACME + "/things")
        .then()
        .statusCode(400)
        .contentType(PROBLEM_JSON)
        .body("detail", containsString("'count'"))
        .body("detail", not(containsString("many")));
  }

  @Test
  void textTheDatabaseRefusesIs400AndOtherDatabaseFaultsStay500() {
    as("acme-token")
        .get(ACME + "/refused/nul")
        .then()
        .statusCode(400)
        .contentType(PROBLEM_JSON)
        .body("title", equalTo("Bad Request"))
        .body("detail", containsString("U+0000"))
        .body("detail", not(containsString("0x00")));
    as("acme-token")
        .get(ACME + "/duplicate")
        .then()
        .statusCode(500)
        .contentType(PROBLEM_JSON)
        .body("detail", containsString("error id"));
  }

  @Test
  void constraintViolationsAre400WithEveryFault() {
    as("acme-token")
        .contentType("application/json")
        .body("{\"name\": \" \", \"count\": 11}")
        .post(ACME + "/things")
        .then()
        .statusCode(400)
        .contentType(PROBLEM_JSON)
        .body("title", equalTo("Bad Request"))
        .body("errors.size()", equalTo(2))
        .body("errors.path", org.hamcrest.Matchers.everyItem(containsString("thing")));
    as("acme-token")
        .contentType("application/json")
        .body("{\"name\": \"ok\", \"count\": 1}")
        .post(ACME + "/things")
        .then()
        .statusCode(200)
        .body("name", equalTo("ok"));
  }

  @Test
  void unknownRoutesAndWrongMethodsAreProblemJson() {
    given().get("/nowhere").then().statusCode(404).contentType(PROBLEM_JSON);
    as("acme-token").delete(ACME + "/whoami").then().statusCode(405).contentType(PROBLEM_JSON);
  }

  @Test
  void anUnexpectedFailureIs500WithAnErrorIdAndALogLineWithoutItsMessage() {
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            records.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger logger = Logger.getLogger(ProblemMapper.class.getName());
    logger.addHandler(capture);
    try {
      String detail =
          as("acme-token")
              .get(ACME + "/boom")
              .then()
              .statusCode(500)
              .contentType(PROBLEM_JSON)
              .body("title", equalTo("Internal Server Error"))
              .body("detail", not(containsString("ana@example.com")))
              .body("detail", not(containsString("Exception")))
              .extract()
              .path("detail");
      String errorId = detail.substring(detail.lastIndexOf(' ') + 1);
      assertThat(records)
          .extracting(r -> formatted(r))
          .anySatisfy(
              line ->
                  assertThat(line)
                      .contains(errorId)
                      .contains("IllegalStateException")
                      .doesNotContain("ana@example.com"));
    } finally {
      logger.removeHandler(capture);
    }
  }

  private static String formatted(LogRecord record) {
    Object[] parameters = record.getParameters();
    String message = record.getMessage();
    return parameters == null ? message : String.format(message, parameters);
  }
}
