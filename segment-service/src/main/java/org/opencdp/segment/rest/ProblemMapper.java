package org.opencdp.segment.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.opencdp.segment.condition.ConditionError;
import org.opencdp.segment.condition.InvalidConditionException;

/**
 * The one place that turns failures into RFC 9457 problem+json: client faults are 4xx and logged at
 * WARN; anything else is a 500 with an error id, logged at ERROR by exception type only (messages
 * may quote profile data).
 */
public class ProblemMapper {

  @ServerExceptionMapper
  public Response problem(ApiProblem failure, UriInfo uri) {
    Log.warnf("%s %s: %s", failure.status(), uri.getPath(), failure.title());
    return Problems.response(
        failure.status(), failure.title(), failure.getMessage(), uri.getPath());
  }

  @ServerExceptionMapper
  public Response invalidCondition(InvalidConditionException failure, UriInfo uri) {
    Log.warnf("400 %s: invalid condition (%d errors)", uri.getPath(), failure.errors().size());
    List<ConditionError> errors = failure.errors();
    return Problems.response(
        400,
        "Invalid condition",
        errors.size() == 1
            ? errors.get(0).path() + ": " + errors.get(0).detail()
            : errors.size() + " problems in the condition, see 'errors'",
        uri.getPath(),
        Map.of(
            "errors",
            errors.stream().map(e -> Map.of("path", e.path(), "detail", e.detail())).toList()));
  }

  @ServerExceptionMapper
  public Response unreadable(JsonProcessingException failure, UriInfo uri) {
    Log.warnf("400 %s: unreadable JSON body", uri.getPath());
    return Problems.response(
        400,
        "Invalid request",
        "the request body is not valid JSON for this endpoint"
            + (failure.getLocation() == null
                ? ""
                : " (line "
                    + failure.getLocation().getLineNr()
                    + ", column "
                    + failure.getLocation().getColumnNr()
                    + ")"),
        uri.getPath());
  }

  /** Wins over Quarkus' built-in mapper for this type, which answers 400 without a body. */
  @ServerExceptionMapper
  public Response mismatched(MismatchedInputException failure, UriInfo uri) {
    return unreadable(failure, uri);
  }

  @ServerExceptionMapper
  public Response http(WebApplicationException failure, UriInfo uri) {
    int status = failure.getResponse().getStatus();
    if (status >= 500) {
      return unexpected(failure, uri);
    }
    if (failure.getCause() instanceof JsonProcessingException json) {
      return unreadable(json, uri);
    }
    String detail =
        switch (status) {
          case 404 -> "no such resource";
          case 405 -> "this method is not allowed on this resource";
          case 406 -> "this resource produces application/json";
          case 415 -> "send the body as application/json";
          default -> "the request cannot be processed";
        };
    Log.warnf("%d %s", status, uri.getPath());
    return Problems.response(
        status, failure.getResponse().getStatusInfo().getReasonPhrase(), detail, uri.getPath());
  }

  @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 100)
  public Response unexpected(Throwable failure, UriInfo uri) {
    if (refusedText(failure)) {
      Log.warnf("400 %s: text refused by the database", uri.getPath());
      return Problems.response(
          400,
          "Invalid request",
          "a value in the request is too long or holds a character that cannot be stored (such as"
              + " U+0000)",
          uri.getPath());
    }
    String errorId = UUID.randomUUID().toString();
    Log.errorf(
        "500 %s (error %s): %s%s",
        uri.getPath(),
        errorId,
        failure.getClass().getName(),
        failure.getCause() == null ? "" : " caused by " + failure.getCause().getClass().getName());
    return Problems.response(
        500,
        "Internal error",
        "the request failed on our side; quote error id " + errorId,
        uri.getPath());
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
