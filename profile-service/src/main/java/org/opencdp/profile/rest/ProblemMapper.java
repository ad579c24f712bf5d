package org.opencdp.profile.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.logging.Log;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place that turns exceptions into problem+json: client faults are 4xx and logged at WARN,
 * ours are 500 with a generic body and logged at ERROR. Never a stack trace or class name in a
 * body.
 */
public class ProblemMapper {

  @ServerExceptionMapper
  public Response apiProblem(ApiProblem problem) {
    Log.warnf("client fault %d: %s", problem.status(), problem.title());
    return Problems.response(problem.status(), problem.title(), problem.getMessage());
  }

  @ServerExceptionMapper
  public Response merged(MergedProfileRedirect redirect, UriInfo uriInfo) {
    String path = uriInfo.getRequestUri().getRawPath();
    String from = "/profiles/" + encode(redirect.requestedId());
    String to = "/profiles/" + encode(redirect.survivorId());
    int at = path.indexOf(from);
    String target = at < 0 ? path : path.substring(0, at) + to + path.substring(at + from.length());
    String query = uriInfo.getRequestUri().getRawQuery();
    URI location = URI.create(query == null ? target : target + "?" + query);
    return Response.fromResponse(
            Problems.response(
                307,
                "Temporary Redirect",
                "This profile was merged into " + redirect.survivorId() + "."))
        .header(HttpHeaders.LOCATION, location)
        .build();
  }

  @ServerExceptionMapper
  public Response invalid(ConstraintViolationException e) {
    Log.warn("client fault 400: validation failed");
    return Problems.response(400, "Bad Request", "The request is invalid: " + e.getMessage());
  }

  @ServerExceptionMapper
  public Response unreadable(JsonProcessingException e) {
    Log.warn("client fault 400: unreadable JSON");
    return Problems.response(400, "Bad Request", "The request body is not valid JSON.");
  }

  @ServerExceptionMapper
  public Response mismatched(MismatchedInputException e) {
    Log.warn("client fault 400: JSON does not match the expected shape");
    String field =
        e.getPath().isEmpty() ? null : e.getPath().get(e.getPath().size() - 1).getFieldName();
    return Problems.response(
        400,
        "Bad Request",
        field == null
            ? "The request body does not have the expected shape."
            : "The field '" + field + "' has a value of the wrong type or an unknown value.");
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    if (status >= 500) {
      Log.error("server error", e);
      return Problems.response(status, "Internal Server Error", null);
    }
    Log.warnf("client fault %d", status);
    String title =
        Response.Status.fromStatusCode(status) != null
            ? Response.Status.fromStatusCode(status).getReasonPhrase()
            : "Client Error";
    return Problems.response(status, title, detailFor(status));
  }

  @ServerExceptionMapper
  public Response unexpected(Exception e) {
    Log.error("unexpected error", e);
    return Problems.response(500, "Internal Server Error", "Something went wrong on our side.");
  }

  private static String detailFor(int status) {
    return switch (status) {
      case 400 -> "The request is malformed.";
      case 404 -> "No such resource.";
      case 405 -> "This method is not allowed on this resource.";
      case 406 -> "Ask for application/json.";
      case 415 -> "Send application/json.";
      default -> null;
    };
  }

  private static String encode(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
