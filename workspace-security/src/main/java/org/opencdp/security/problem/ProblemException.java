package org.opencdp.security.problem;

import java.util.List;

/**
 * A fault the caller can act on (4xx), or a known unavailability (503), rendered by {@link
 * ProblemMapper} as RFC 9457 problem+json. The detail (and errors) must never carry personal data
 * or internals: it is logged and sent as is.
 */
public class ProblemException extends RuntimeException {
  private final int status;
  private final String title;
  private final transient List<ProblemError> errors;

  public ProblemException(int status, String title, String detail) {
    this(status, title, detail, List.of());
  }

  public ProblemException(int status, String title, String detail, List<ProblemError> errors) {
    super(detail, null, false, false);
    this.status = status;
    this.title = title;
    this.errors = List.copyOf(errors);
  }

  public static ProblemException badRequest(String detail) {
    return new ProblemException(400, "Bad Request", detail);
  }

  public static ProblemException notFound(String detail) {
    return new ProblemException(404, "Not Found", detail);
  }

  public static ProblemException conflict(String detail) {
    return new ProblemException(409, "Conflict", detail);
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  /** Every fault found, for an {@code errors} member; empty when the detail says it all. */
  public List<ProblemError> errors() {
    return errors;
  }
}
