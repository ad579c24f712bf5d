package org.opencdp.ingestion.problem;

import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * A client-visible failure rendered as RFC 9457 problem+json. Thrown for client faults (4xx) and
 * for known unavailability (503); unexpected faults go through {@link ProblemMapper} as 500.
 */
public class ProblemException extends RuntimeException {
  private final int status;
  private final String title;
  private final Map<String, Object> extensions;
  private final Integer retryAfterSeconds;

  public ProblemException(int status, String title, String detail) {
    this(status, title, detail, Map.of(), null);
  }

  public ProblemException(
      int status,
      String title,
      String detail,
      Map<String, Object> extensions,
      Integer retryAfterSeconds) {
    super(detail, null, false, false);
    this.status = status;
    this.title = title;
    this.extensions = extensions;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static ProblemException badRequest(String detail) {
    return new ProblemException(400, "Bad Request", detail);
  }

  public static ProblemException unauthorized(String detail) {
    return new ProblemException(401, "Unauthorized", detail);
  }

  public static ProblemException notFound(String detail) {
    return new ProblemException(404, "Not Found", detail);
  }

  public static ProblemException tooLarge(String detail) {
    return new ProblemException(413, "Payload Too Large", detail);
  }

  public static ProblemException conflict(String detail) {
    return new ProblemException(409, "Conflict", detail);
  }

  public static ProblemException unavailable(String detail, int retryAfterSeconds) {
    return new ProblemException(503, "Service Unavailable", detail, Map.of(), retryAfterSeconds);
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public Map<String, Object> extensions() {
    return extensions;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public Response.Status.Family family() {
    return Response.Status.Family.familyOf(status);
  }
}
