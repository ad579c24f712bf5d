package org.opencdp.segment.rest;

import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** RFC 9457 problem details. */
final class Problems {
  static final String MEDIA_TYPE = "application/problem+json";

  private Problems() {}

  static Response response(int status, String title, String detail, String instance) {
    return response(status, title, detail, instance, Map.of());
  }

  static Response response(
      int status, String title, String detail, String instance, Map<String, Object> extensions) {
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
    body.putAll(extensions);
    return Response.status(status).type(MEDIA_TYPE).entity(body).build();
  }
}
