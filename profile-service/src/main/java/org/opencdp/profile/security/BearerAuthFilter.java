package org.opencdp.profile.security;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.opencdp.profile.rest.Problems;

/** Requires a workspace bearer token on every {@code /v1} call and records its workspace. */
public class BearerAuthFilter {
  private final WorkspaceTokenVerifier verifier;
  private final CurrentWorkspace currentWorkspace;

  BearerAuthFilter(WorkspaceTokenVerifier verifier, CurrentWorkspace currentWorkspace) {
    this.verifier = verifier;
    this.currentWorkspace = currentWorkspace;
  }

  @ServerRequestFilter
  public Optional<Response> authenticate(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    if (!path.startsWith("/v1/")) {
      return Optional.empty();
    }
    Optional<String> workspace =
        verifier.workspaceFor(request.getHeaderString(HttpHeaders.AUTHORIZATION));
    if (workspace.isEmpty()) {
      return Optional.of(
          Response.fromResponse(
                  Problems.response(
                      401,
                      "Unauthorized",
                      "Send a workspace token as 'Authorization: Bearer <token>'."))
              .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
              .build());
    }
    currentWorkspace.set(workspace.get());
    return Optional.empty();
  }
}
