package org.opencdp.identity;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.opencdp.identity.support.Actors;
import org.opencdp.identity.support.TopicsResource;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;

/** Rules CRUD over HTTP, with validation and audit. */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(TopicsResource.class)
@QuarkusTest
class RulesApiTest {
  static final String TOKEN = "Bearer rules-token";
  static final String RULES = "/v1/workspaces/rules-ws/identity-rules";

  @Test
  void rulesCanBeReplacedReadAndResetToTheDefaults() {
    given().header("Authorization", TOKEN).when().delete(RULES).then().statusCode(200);
    given()
        .header("Authorization", TOKEN)
        .when()
        .get(RULES)
        .then()
        .statusCode(200)
        .body("custom", equalTo(false))
        .body("identifierTypes.find { it.type == 'user_id' }.limit", equalTo(1));

    String rules =
        """
        {"identifierTypes": [
           {"type": "user_id", "priority": 1, "limit": 1},
           {"type": "member_no", "priority": 2, "limit": 1, "traitKey": "memberNo"},
           {"type": "anonymous_id", "priority": 9, "limit": 20}],
         "defaultLimit": 3,
         "blockedValues": [{"pattern": "n/?a"}, {"pattern": ".*@corp\\\\.test", "type": "email"}]}
        """;
    given()
        .header("Authorization", TOKEN)
        .contentType(ContentType.JSON)
        .body(rules)
        .when()
        .put(RULES)
        .then()
        .statusCode(200)
        .body("custom", equalTo(true));
    given()
        .header("Authorization", TOKEN)
        .when()
        .get(RULES)
        .then()
        .statusCode(200)
        .body(
            "identifierTypes.type",
            equalTo(java.util.List.of("user_id", "member_no", "anonymous_id")))
        .body("identifierTypes[1].traitKey", equalTo("memberNo"))
        .body("defaultLimit", equalTo(3))
        .body("blockedValues.pattern", hasItem(".*@corp\\.test"));

    given().header("Authorization", TOKEN).when().delete(RULES).then().statusCode(200);
    given().header("Authorization", TOKEN).when().get(RULES).then().body("custom", equalTo(false));
    given()
        .header("Authorization", TOKEN)
        .when()
        .get("/v1/workspaces/rules-ws/audit")
        .then()
        .body("action", hasItem("RULES_REPLACED"))
        .body("action", hasItem("RULES_RESET"))
        .body(
            "findAll { it.action.startsWith('RULES_') }.actor",
            everyItem(equalTo(Actors.of("rules-token"))));
  }

  @Test
  void invalidRulesAreRejectedWithAnActionableProblem() {
    given()
        .header("Authorization", TOKEN)
        .contentType(ContentType.JSON)
        .body("{\"identifierTypes\": [{\"type\": \"user_id\", \"priority\": 1, \"limit\": 0}]}")
        .when()
        .put(RULES)
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("limit of user_id must be between 1 and 1000"));
    given()
        .header("Authorization", TOKEN)
        .contentType(ContentType.JSON)
        .body("{\"identifierTypes\": [], \"blockedValues\": [{\"pattern\": \"([unclosed\"}]}")
        .when()
        .put(RULES)
        .then()
        .statusCode(400)
        .body("detail", containsString("not a valid regular expression"));
    given()
        .header("Authorization", TOKEN)
        .contentType(ContentType.JSON)
        .body("{\"identifierTypes\": [{\"type\": \"Bad Type\", \"priority\": 1, \"limit\": 1}]}")
        .when()
        .put(RULES)
        .then()
        .statusCode(400)
        .body("detail", containsString("identifier type names"));
  }
}
