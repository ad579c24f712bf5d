package org.opencdp.activation.rest;

/**
 * A fault of the caller (4xx), with a detail a person can act on. Never carries personal data or
 * internals; {@link ProblemMapper} renders it as RFC 9457 problem+json.
 */
public class ProblemException extends RuntimeException {
  private final int status;
  private final String title;

  public ProblemException(int status, String title, String detail) {
    super(detail, null, false, false);
    this.status = status;
    this.title = title;
  }

  public static ProblemException badRequest(String detail) {
    return new ProblemException(400, "Invalid request", detail);
  }

  public static ProblemException notFound(String detail) {
    return new ProblemException(404, "Not found", detail);
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }
}
