package org.opencdp.segment.rest;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.opencdp.security.problem.ProblemError;
import org.opencdp.security.problem.ProblemException;
import org.opencdp.security.problem.ProblemMapper;
import org.opencdp.segment.condition.ConditionError;
import org.opencdp.segment.condition.InvalidConditionException;

/**
 * A condition the parser rejects is a 400 listing every error found. The parser stays free of HTTP;
 * this turns its exception into the shared problem+json (with an {@code errors} member).
 */
public class InvalidConditionMapper {
  private final ProblemMapper problems = new ProblemMapper();

  @ServerExceptionMapper
  public Response invalidCondition(InvalidConditionException failure, UriInfo uri) {
    List<ConditionError> errors = failure.errors();
    String detail =
        errors.size() == 1
            ? errors.get(0).path() + ": " + errors.get(0).detail()
            : errors.size() + " problems in the condition, see 'errors'";
    return problems.problem(
        new ProblemException(
            400,
            "Invalid condition",
            detail,
            errors.stream().map(e -> new ProblemError(e.path(), e.detail())).toList()),
        uri);
  }
}
