package org.opencdp.security.problem;

import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds RFC 9457 problem details ({@code type}, {@code title}, {@code status}, {@code detail},
 * {@code instance}, and {@code errors} when there are several faults). Bodies are plain maps, so
 * nothing needs registering for reflection in native builds.
 */
public final class Problems {
  public static final String MEDIA_TYPE = "application/problem+json";

  private Problems() {}

  public static Response response(int status, String title, String detail, String instance) {
    return response(status, title, detail, instance, List.of());
  }

  public static Response response(
      int status, String title, String detail, String instance, List<ProblemError> errors) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", title);
    body.put("status", status);
    if (detail != null) {
      body.put("detail", detail);
    }
    if (instance != null) {
      body.put("instance", instance);
    }
    if (!errors.isEmpty()) {
      body.put("errors", errors.stream().map(Problems::member).toList());
    }
    return Response.status(status).type(MEDIA_TYPE).entity(body).build();
  }

  private static Map<String, String> member(ProblemError error) {
    Map<String, String> member = new LinkedHashMap<>();
    member.put("path", error.path());
    member.put("detail", error.detail());
    return member;
  }
}
