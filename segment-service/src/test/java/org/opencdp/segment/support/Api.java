package org.opencdp.segment.support;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** REST calls of the tests, authenticated with the workspace's test token. */
public final class Api {
  private Api() {}

  public static RequestSpecification as(String ws) {
    return given()
        .header("Authorization", "Bearer token-" + ws)
        .contentType(ContentType.JSON)
        .accept(ContentType.JSON);
  }

  public static String base(String ws) {
    return "/v1/workspaces/" + ws;
  }

  /** Creates a segment (201) and waits for its backfill job to succeed; returns the job. */
  public static Map<String, Object> createSegment(String ws, String id, String conditionJson) {
    String body =
        "{\"id\":\""
            + id
            + "\",\"name\":\"Segment "
            + id
            + "\",\"condition\":"
            + conditionJson
            + "}";
    String jobId =
        as(ws)
            .body(body)
            .post(base(ws) + "/segments")
            .then()
            .statusCode(201)
            .extract()
            .path("jobId");
    return awaitJob(ws, jobId);
  }

  public static Map<String, Object> awaitJob(String ws, String jobId) {
    List<Map<String, Object>> seen = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              Map<String, Object> job =
                  as(ws)
                      .get(base(ws) + "/jobs/" + jobId)
                      .then()
                      .statusCode(200)
                      .extract()
                      .as(Map.class);
              seen.add(job);
              if ("FAILED".equals(job.get("status"))) {
                throw new AssertionError("job failed: " + job);
              }
              return "SUCCEEDED".equals(job.get("status"));
            });
    Map<String, Object> last = new LinkedHashMap<>(seen.get(seen.size() - 1));
    last.put("observed", seen);
    return last;
  }

  public static boolean isMember(String ws, String segmentId, String profileId) {
    return as(ws)
        .get(base(ws) + "/segments/" + segmentId + "/members/" + profileId)
        .then()
        .statusCode(200)
        .extract()
        .path("member");
  }

  /** Every member of a segment, walking the SSCAN cursor. */
  public static List<String> allMembers(String ws, String segmentId) {
    List<String> members = new ArrayList<>();
    String cursor = "0";
    do {
      Response page =
          as(ws)
              .queryParam("cursor", cursor)
              .queryParam("count", 50)
              .get(base(ws) + "/segments/" + segmentId + "/members");
      page.then().statusCode(200);
      members.addAll(page.jsonPath().getList("members", String.class));
      cursor = page.jsonPath().getString("next");
    } while (cursor != null);
    return members;
  }

  public static List<String> segmentsOf(String ws, String profileId) {
    return as(ws)
        .get(base(ws) + "/profiles/" + profileId + "/segments")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getList("segments", String.class);
  }
}
