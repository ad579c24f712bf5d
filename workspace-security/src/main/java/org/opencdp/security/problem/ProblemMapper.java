package org.opencdp.security.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place that turns failures into RFC 9457 problem+json: client faults are 4xx and logged at
 * WARN without request content; anything else is a 500 with an error id, logged at ERROR by
 * exception type and code location only (messages of drivers and parsers can quote stored values,
 * which may be personal data). Never a stack trace or class name in a body.
 */
public class ProblemMapper {
  private static final Logger LOG = Logger.getLogger(ProblemMapper.class);
  private static final int MAX_LISTED_ERRORS = 20;

  @ServerExceptionMapper
  public Response problem(ProblemException failure, UriInfo uri) {
    if (failure.status() >= 500) {
      LOG.errorf("%d %s: %s", failure.status(), uri.getPath(), failure.getMessage());
    } else {
      LOG.warnf("%d %s: %s", failure.status(), uri.getPath(), failure.getMessage());
    }
    return Problems.response(
        failure.status(), failure.title(), failure.getMessage(), uri.getPath(), failure.errors());
  }

  @ServerExceptionMapper
  public Response unreadable(JsonProcessingException failure, UriInfo uri) {
    LOG.warnf("400 %s: unreadable JSON body", uri.getPath());
    String where =
        failure.getLocation() == null
            ? ""
            : " (line "
                + failure.getLocation().getLineNr()
                + ", column "
                + failure.getLocation().getColumnNr()
                + ")";
    return Problems.response(
        400,
        "Bad Request",
        "the request body is not valid JSON for this endpoint" + where,
        uri.getPath());
  }

  /** Well-formed JSON of the wrong shape: name the field (a schema name, never a value). */
  @ServerExceptionMapper
  public Response mismatched(MismatchedInputException failure, UriInfo uri) {
    String field = lastField(failure.getPath());
    if (field == null) {
      return unreadable(failure, uri);
    }
    LOG.warnf("400 %s: JSON field '%s' has the wrong type", uri.getPath(), field);
    return Problems.response(
        400,
        "Bad Request",
        "the field '" + field + "' has a value of the wrong type or an unknown value",
        uri.getPath());
  }

  @ServerExceptionMapper
  public Response invalid(ConstraintViolationException failure, UriInfo uri) {
    Set<ConstraintViolation<?>> violations =
        failure.getConstraintViolations() == null ? Set.of() : failure.getConstraintViolations();
    List<ProblemError> errors =
        violations.stream()
            .map(v -> new ProblemError(String.valueOf(v.getPropertyPath()), v.getMessage()))
            .sorted(Comparator.comparing(ProblemError::path))
            .limit(MAX_LISTED_ERRORS)
            .toList();
    LOG.warnf("400 %s: %d constraint violation(s)", uri.getPath(), violations.size());
    return Problems.response(
        400,
        "Bad Request",
        switch (errors.size()) {
          case 0 -> "the request is invalid";
          case 1 -> errors.get(0).path() + ": " + errors.get(0).detail();
          default -> "the request is invalid, see 'errors'";
        },
        uri.getPath(),
        errors);
  }

  @ServerExceptionMapper
  public Response http(WebApplicationException failure, UriInfo uri) {
    int status = failure.getResponse().getStatus();
    if (status >= 500) {
      return unexpected(failure, uri);
    }
    if (failure.getCause() instanceof MismatchedInputException shape) {
      return mismatched(shape, uri);
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
    LOG.warnf("%d %s", status, uri.getPath());
    return Problems.response(
        status, failure.getResponse().getStatusInfo().getReasonPhrase(), detail, uri.getPath());
  }

  @ServerExceptionMapper(priority = Priorities.USER + 100)
  public Response unexpected(Throwable failure, UriInfo uri) {
    if (RefusedText.in(failure)) {
      LOG.warnf("400 %s: text refused by the database", uri.getPath());
      return Problems.response(
          400,
          "Bad Request",
          "a value in the request is too long or holds a character that cannot be stored (such as"
              + " U+0000)",
          uri.getPath());
    }
    String errorId = UUID.randomUUID().toString();
    LOG.errorf(
        "500 %s (error %s): %s%s%s",
        uri.getPath(),
        errorId,
        failure.getClass().getName(),
        failure.getStackTrace().length == 0 ? "" : " at " + failure.getStackTrace()[0],
        failure.getCause() == null ? "" : " caused by " + failure.getCause().getClass().getName());
    return Problems.response(
        500,
        "Internal Server Error",
        "the request failed on our side; quote error id " + errorId,
        uri.getPath());
  }

  private static String lastField(List<JsonMappingException.Reference> path) {
    for (int i = path.size() - 1; i >= 0; i--) {
      if (path.get(i).getFieldName() != null) {
        return path.get(i).getFieldName();
      }
    }
    return null;
  }
}
