package org.opencdp.profile;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.specification.RequestSpecification;
import java.time.Duration;

/** Profile API calls with the test workspaces' tokens ({@code token-ws-a} for {@code ws-a}...). */
public final class Api {
  private Api() {}

  public static RequestSpecification as(String workspaceId) {
    return given().header("Authorization", "Bearer token-" + workspaceId);
  }

  /** Waits until the profile answers 200 with at least {@code events} events applied. */
  public static void awaitEvents(String workspaceId, String ref, int events) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              var response = as(workspaceId).redirects().follow(false).get("/v1/profiles/" + ref);
              return response.statusCode() == 200
                  && response.jsonPath().getLong("eventCount") >= events;
            });
  }
}
