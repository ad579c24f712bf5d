package org.opencdp.ingestion.auth;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.opencdp.ingestion.config.GatewayConfig;
import org.opencdp.ingestion.problem.ProblemException;
import org.opencdp.ingestion.source.ApiToken;
import org.opencdp.ingestion.source.Secrets;

/**
 * Bearer-token checks of the management API. A workspace token opens its own workspace only; the
 * platform admin token (configured as a SHA-256) may create workspaces and act on any of them.
 */
@ApplicationScoped
public class ManagementAuth {
  private final GatewayConfig config;

  ManagementAuth(GatewayConfig config) {
    this.config = config;
  }

  public Uni<Void> requireAdmin(String authorization) {
    if (isAdmin(bearer(authorization))) {
      return Uni.createFrom().voidItem();
    }
    throw new ProblemException(403, "Forbidden", "This operation needs the platform admin token.");
  }

  /** Passes for the admin token or a token of {@code workspaceId}; 403 for any other workspace. */
  @WithSession
  public Uni<Void> requireWorkspace(String authorization, String workspaceId) {
    String token = bearer(authorization);
    if (isAdmin(token)) {
      return Uni.createFrom().voidItem();
    }
    return Panache.getSession()
        .flatMap(session -> session.find(ApiToken.class, Secrets.sha256(token)))
        .map(
            found -> {
              if (found == null) {
                throw ProblemException.unauthorized("The bearer token is not valid.");
              }
              if (!found.workspaceId.equals(workspaceId)) {
                throw new ProblemException(
                    403, "Forbidden", "The token does not grant access to this workspace.");
              }
              return null;
            });
  }

  private boolean isAdmin(String token) {
    return config
        .adminTokenSha256()
        .map(
            expected ->
                MessageDigest.isEqual(
                    expected.toLowerCase().getBytes(StandardCharsets.US_ASCII),
                    Secrets.sha256(token).getBytes(StandardCharsets.US_ASCII)))
        .orElse(false);
  }

  private static String bearer(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw ProblemException.unauthorized(
          "A bearer token is required (Authorization: Bearer ...).");
    }
    String token = authorization.substring(7).trim();
    if (token.isEmpty() || token.length() > 512) {
      throw ProblemException.unauthorized("The bearer token is not valid.");
    }
    return token;
  }
}
