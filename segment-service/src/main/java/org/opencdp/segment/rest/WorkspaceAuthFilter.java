package org.opencdp.segment.rest;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every endpoint with a {@code {workspaceId}} path parameter requires a bearer token of that
 * workspace (see {@link WorkspaceTokenVerifier}). The verified actor is kept as a request property
 * .
 */
public class WorkspaceAuthFilter {
  static final String ACTOR = "cdp.actor";

  private final WorkspaceTokenVerifier verifier;

  public WorkspaceAuthFilter(WorkspaceTokenVerifier verifier) {
    this.verifier = verifier;
  }

  @ServerRequestFilter
  public Response authorize(ContainerRequestContext request) {
    String workspaceId = request.getUriInfo().getPathParameters().getFirst("workspaceId");
    if (workspaceId == null) {
      return null;
    }
    WorkspaceTokenVerifier.Verdict verdict =
        verifier.verify(workspaceId, request.getHeaderString(HttpHeaders.AUTHORIZATION));
    String path = request.getUriInfo().getPath();
    return switch (verdict.status()) {
      case ALLOWED -> {
        request.setProperty(ACTOR, verdict.actor());
        yield null;
      }
      case FORBIDDEN ->
          Problems.response(
              403, "Forbidden", "this token is not valid for workspace " + workspaceId, path);
      case UNAUTHENTICATED ->
          Response.fromResponse(
                  Problems.response(
                      401,
                      "Unauthorized",
                      "send 'Authorization: Bearer <token>' with a token of this workspace",
                      path))
              .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
              .build();
    };
  }
}
