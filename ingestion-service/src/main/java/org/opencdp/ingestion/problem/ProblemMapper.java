package org.opencdp.ingestion.problem;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place that turns exceptions into RFC 9457 problem+json. Client faults are logged at WARN
 * without payloads; our own faults at ERROR with the stack trace, never echoed to the client.
 */
class ProblemMapper {
  static final String PROBLEM_JSON = "application/problem+json";

  @ServerExceptionMapper
  public Response problem(ProblemException e, UriInfo uri) {
    if (e.status() >= 500) {
      Log.warnf("%s %s: %s", e.status(), uri.getPath(), e.getMessage());
    } else {
      Log.debugf("%s %s: %s", e.status(), uri.getPath(), e.getMessage());
    }
    Map<String, Object> body = body(e.status(), e.title(), e.getMessage(), uri);
    body.putAll(e.extensions());
    Response.ResponseBuilder response = Response.status(e.status()).type(PROBLEM_JSON).entity(body);
    if (e.retryAfterSeconds() != null) {
      response.header("Retry-After", e.retryAfterSeconds());
    }
    return response.build();
  }

  @ServerExceptionMapper
  public Response webApplication(WebApplicationException e, UriInfo uri) {
    int status = e.getResponse().getStatus();
    String title =
        Response.Status.fromStatusCode(status) == null
            ? "Error"
            : Response.Status.fromStatusCode(status).getReasonPhrase();
    String detail = status == 404 ? "No such resource." : title + ".";
    if (status == 415 || status == 405 || status == 406) {
      detail = e.getMessage();
    }
    return Response.status(status)
        .type(PROBLEM_JSON)
        .entity(body(status, title, detail, uri))
        .build();
  }

  /** Wins over Quarkus' built-in mapper for this type, which answers 400 without a body. */
  @ServerExceptionMapper
  public Response mismatched(MismatchedInputException e, UriInfo uri) {
    Log.debugf("400 %s: body of the wrong shape", uri.getPath());
    return Response.status(400)
        .type(PROBLEM_JSON)
        .entity(
            body(
                400,
                "Bad Request",
                "The body does not have the expected shape (a field of the wrong type?).",
                uri))
        .build();
  }

  @ServerExceptionMapper
  public Response unexpected(Exception e, UriInfo uri) {
    if (refusedText(e)) {
      Log.debugf("400 %s: text refused by the database", uri.getPath());
      return Response.status(400)
          .type(PROBLEM_JSON)
          .entity(
              body(
                  400,
                  "Bad Request",
                  "A value in the request is too long or holds a character that cannot be stored"
                      + " (such as U+0000).",
                  uri))
          .build();
    }
    Log.errorf(e, "unexpected failure on %s", uri.getPath());
    return Response.status(500)
        .type(PROBLEM_JSON)
        .entity(
            body(500, "Internal Server Error", "An internal error occurred; it was logged.", uri))
        .build();
  }

  private static Map<String, Object> body(int status, String title, String detail, UriInfo uri) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", title);
    body.put("status", status);
    body.put("detail", detail);
    body.put("instance", uri.getPath());
    return body;
  }

  /**
   * PostgreSQL refuses text it cannot store (a U+0000 character, a value longer than its column).
   * That is the request's fault, and the refused statement wrote nothing.
   */
  static boolean refusedText(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String state =
          t instanceof java.sql.SQLException sql
              ? sql.getSQLState()
              : t instanceof io.vertx.sqlclient.DatabaseException db ? db.getSqlState() : null;
      if ("22021".equals(state) || "22001".equals(state) || "22P05".equals(state)) {
        return true;
      }
    }
    return false;
  }
}
