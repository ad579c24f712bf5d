package org.opencdp.ingestion;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencdp.ingestion.source.ApiToken;
import org.opencdp.ingestion.source.WriteKey;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
class ManagementApiTest {
  @Inject io.vertx.mutiny.sqlclient.Pool database;

  @Test
  void aWorkspaceTokenCannotReadOrChangeAnotherWorkspace() {
    Gateway.Tenant mine = Gateway.newTenant();
    Gateway.Tenant theirs = Gateway.newTenant();

    given()
        .auth()
        .oauth2(mine.token())
        .get("/api/v1/workspaces/{ws}/sources", theirs.workspace())
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    given()
        .auth()
        .oauth2(mine.token())
        .contentType(ContentType.JSON)
        .body(Map.of("name", "x"))
        .put("/api/v1/workspaces/{ws}/sources/{src}", theirs.workspace(), "evil")
        .then()
        .statusCode(403);
    given()
        .auth()
        .oauth2(mine.token())
        .get("/api/v1/workspaces/{ws}/rejected-events", theirs.workspace())
        .then()
        .statusCode(403);
    given()
        .auth()
        .oauth2(mine.token())
        .post("/api/v1/workspaces/{ws}/sources/{src}/write-keys", theirs.workspace(), "web")
        .then()
        .statusCode(403);
  }

  @Test
  void onlyTheAdminTokenCreatesWorkspaces() {
    Gateway.Tenant tenant = Gateway.newTenant();
    given()
        .auth()
        .oauth2(tenant.token())
        .contentType(ContentType.JSON)
        .body(Map.of("id", "sneaky"))
        .post("/api/v1/workspaces")
        .then()
        .statusCode(403);
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("id", "sneaky"))
        .post("/api/v1/workspaces")
        .then()
        .statusCode(401);
    given()
        .auth()
        .oauth2("cdp_forged")
        .get("/api/v1/workspaces/{ws}/sources", tenant.workspace())
        .then()
        .statusCode(401);
  }

  @Test
  void storesWriteKeysAndTokensOnlyAsHashes() {
    Gateway.Tenant tenant = Gateway.newTenant();
    String stored =
        database
            .query(
                "SELECT string_agg(key_hash || hint, ',') FROM write_key UNION ALL SELECT string_agg(token_hash || name, ',') FROM api_token")
            .execute()
            .await()
            .indefinitely()
            .iterator()
            .next()
            .getString(0);
    assertThat(stored).doesNotContain(tenant.writeKey()).doesNotContain(tenant.token());
    assertThat(WriteKey.class).isNotNull();
    assertThat(ApiToken.class).isNotNull();
  }

  @Test
  void aRevokedWriteKeyStopsWorking() {
    Gateway.Tenant tenant = Gateway.newTenant();
    String keyId =
        given()
            .auth()
            .oauth2(tenant.token())
            .get(
                "/api/v1/workspaces/{ws}/sources/{src}/write-keys",
                tenant.workspace(),
                tenant.source())
            .then()
            .statusCode(200)
            .body("$", hasSize(1))
            .extract()
            .path("[0].keyId");

    given()
        .auth()
        .oauth2(tenant.token())
        .delete(
            "/api/v1/workspaces/{ws}/sources/{src}/write-keys/{id}",
            tenant.workspace(),
            tenant.source(),
            keyId)
        .then()
        .statusCode(204);

    given()
        .contentType(ContentType.JSON)
        .body(TrackingApiTest.batchOf(tenant.writeKey(), "after-revoke"))
        .post("/v1/batch")
        .then()
        .statusCode(401);
  }

  @Test
  void rejectsAnInvalidTrackingPlanWithTheSchemaThatIsWrong() {
    Gateway.Tenant tenant = Gateway.newTenant();
    given()
        .auth()
        .oauth2(tenant.token())
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "planMode",
                "BLOCK",
                "trackingPlan",
                Map.of("events", Map.of("Signed Up", Map.of("type", 12)))))
        .put("/api/v1/workspaces/{ws}/sources/{src}", tenant.workspace(), tenant.source())
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", org.hamcrest.Matchers.containsString("events.Signed Up"));
  }

  @Test
  void bodiesOfTheWrongShapeNulCharactersAndOverlongNamesAre400Problems() {
    // Found by the end-to-end hostile-input drill: Quarkus answered the first with an empty 400,
    // PostgreSQL refused the others with a 500.
    Gateway.Tenant tenant = Gateway.newTenant();
    given()
        .auth()
        .oauth2(tenant.token())
        .contentType(ContentType.JSON)
        .body("{\"name\":[\"x\"]}")
        .put("/api/v1/workspaces/{ws}/sources/{src}", tenant.workspace(), tenant.source())
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    given()
        .urlEncodingEnabled(false)
        .auth()
        .oauth2(tenant.token())
        .get("/api/v1/workspaces/" + tenant.workspace() + "/sources/nul%00byte")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", org.hamcrest.Matchers.containsString("U+0000"));
    given()
        .auth()
        .oauth2(tenant.token())
        .contentType(ContentType.JSON)
        .body(Map.of("name", "n".repeat(300)))
        .put("/api/v1/workspaces/{ws}/sources/{src}", tenant.workspace(), tenant.source())
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    given()
        .auth()
        .oauth2(tenant.token())
        .get("/api/v1/workspaces/{ws}/sources", tenant.workspace())
        .then()
        .statusCode(200)
        .body("[0].name", org.hamcrest.Matchers.not(org.hamcrest.Matchers.startsWith("nnn")));
  }

  @Test
  void listsSourcesOfTheWorkspace() {
    Gateway.Tenant tenant = Gateway.newTenant();
    given()
        .auth()
        .oauth2(tenant.token())
        .get("/api/v1/workspaces/{ws}/sources", tenant.workspace())
        .then()
        .statusCode(200)
        .body("$", hasSize(1))
        .body("[0].id", equalTo("web"));
  }
}
