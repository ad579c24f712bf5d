package org.opencdp.security;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.opencdp.security.problem.Problems;

/**
 * Requires a workspace bearer token (see {@link WorkspaceTokenVerifier}) on:
 *
 * <ul>
 *   <li>every endpoint with a {@code {workspaceId}} path parameter: the token must belong to that
 *       workspace (401 without a known token, 403 for a token of another workspace);
 *   <li>every path under a prefix of {@value #TOKEN_SCOPED_PATHS} (a service's own choice, none by
 *       default): the request's workspace is the token's own (401 without a known token).
 * </ul>
 *
 * Anything else (health, metrics, public tracking links) is not checked here. The workspace and
 * token fingerprint of an allowed request are kept in {@link CurrentWorkspace}.
 */
public class WorkspaceAuthFilter {
  public static final String WORKSPACE_PARAMETER = "workspaceId";
  public static final String TOKEN_SCOPED_PATHS = "cdp.auth.token-scoped-paths";

  private final WorkspaceTokenVerifier verifier;
  private final CurrentWorkspace currentWorkspace;
  private final List<String> tokenScopedPaths;

  WorkspaceAuthFilter(
      WorkspaceTokenVerifier verifier,
      CurrentWorkspace currentWorkspace,
      @ConfigProperty(name = TOKEN_SCOPED_PATHS) Optional<List<String>> tokenScopedPaths) {
    this.verifier = verifier;
    this.currentWorkspace = currentWorkspace;
    this.tokenScopedPaths = tokenScopedPaths.orElse(List.of());
  }

  @ServerRequestFilter
  public Optional<Response> authorize(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    String workspaceId = request.getUriInfo().getPathParameters().getFirst(WORKSPACE_PARAMETER);
    WorkspaceTokenVerifier.Verdict verdict;
    if (workspaceId != null) {
      verdict = verifier.verify(workspaceId, authorization);
    } else if (tokenScopedPaths.stream().anyMatch(path::startsWith)) {
      verdict = verifier.identify(authorization);
    } else {
      return Optional.empty();
    }
    return switch (verdict.status()) {
      case ALLOWED -> {
        currentWorkspace.set(verdict.workspace(), verdict.actor());
        yield Optional.empty();
      }
      case FORBIDDEN ->
          Optional.of(
              Problems.response(
                  403, "Forbidden", "this token is not valid for workspace " + workspaceId, path));
      case UNAUTHENTICATED ->
          Optional.of(
              Response.fromResponse(
                      Problems.response(
                          401,
                          "Unauthorized",
                          "send 'Authorization: Bearer <token>' with a token of this workspace",
                          path))
                  .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                  .build());
    };
  }
}
