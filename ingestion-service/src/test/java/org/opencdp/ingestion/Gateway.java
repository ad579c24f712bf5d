package org.opencdp.ingestion;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import java.util.Map;
import java.util.UUID;

/** Sets up workspaces, sources and keys through the real management API, as an operator would. */
final class Gateway {
  /** The admin token whose SHA-256 the test profile configures. */
  static final String ADMIN_TOKEN = "test-admin-token";

  private Gateway() {}

  /** A fresh workspace with one source; returns its id, a workspace token and a write key. */
  static Tenant newTenant(Map<String, Object> sourceSettings) {
    String workspace = "ws-" + UUID.randomUUID().toString().substring(0, 8);
    given()
        .auth()
        .oauth2(ADMIN_TOKEN)
        .contentType(ContentType.JSON)
        .body(Map.of("id", workspace, "name", "Test " + workspace))
        .post("/api/v1/workspaces")
        .then()
        .statusCode(201);
    String token =
        given()
            .auth()
            .oauth2(ADMIN_TOKEN)
            .contentType(ContentType.JSON)
            .body(Map.of("name", "tests"))
            .post("/api/v1/workspaces/{ws}/tokens", workspace)
            .then()
            .statusCode(201)
            .extract()
            .path("token");
    given()
        .auth()
        .oauth2(token)
        .contentType(ContentType.JSON)
        .body(sourceSettings)
        .put("/api/v1/workspaces/{ws}/sources/{src}", workspace, "web")
        .then()
        .statusCode(200);
    String writeKey =
        given()
            .auth()
            .oauth2(token)
            .post("/api/v1/workspaces/{ws}/sources/{src}/write-keys", workspace, "web")
            .then()
            .statusCode(201)
            .extract()
            .path("writeKey");
    return new Tenant(workspace, "web", token, writeKey);
  }

  static Tenant newTenant() {
    return newTenant(Map.of("name", "Website"));
  }

  record Tenant(String workspace, String source, String token, String writeKey) {}
}
