package org.opencdp.activation.security;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.opencdp.activation.rest.Problems;

/**
 * Every endpoint with a {@code {workspaceId}} path parameter requires a bearer token of that
 * workspace (see {@link WorkspaceTokenVerifier}). Tracking, click and unsubscribe links carry no
 * workspace in their path and are public: they are addressed by unguessable delivery ids.
 */
public class WorkspaceAuthFilter {
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
      case ALLOWED -> null;
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
