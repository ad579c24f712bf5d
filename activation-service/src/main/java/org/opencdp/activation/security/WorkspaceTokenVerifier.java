package org.opencdp.activation.security;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Interim workspace-scoped bearer tokens, until cross-service token management exists: {@code
 * cdp.auth.workspace-tokens} (env {@code CDP_AUTH_WORKSPACE_TOKENS}) lists {@code
 * workspace:sha256hex} entries separated by commas; a request for a workspace is allowed when the
 * SHA-256 of its bearer token equals one of that workspace's hashes. Only hashes are configured,
 * compared in constant time; the token itself is never stored or logged. Replace this class (and
 * {@link WorkspaceAuthFilter}) when a real token service exists.
 */
@ApplicationScoped
public class WorkspaceTokenVerifier {
  private static final String BEARER = "bearer ";

  /** Outcome of checking a request. {@code actor} is a token fingerprint for the audit trail. */
  public record Verdict(Status status, String actor) {}

  public enum Status {
    ALLOWED,
    /** No or malformed Authorization header, or a token no workspace knows: 401. */
    UNAUTHENTICATED,
    /** A valid token of another workspace: 403. */
    FORBIDDEN
  }

  private final Map<String, Set<String>> hashesByWorkspace;

  public WorkspaceTokenVerifier(
      @ConfigProperty(name = "cdp.auth.workspace-tokens") Optional<List<String>> entries) {
    Map<String, Set<String>> hashes = new HashMap<>();
    for (String entry : entries.orElse(List.of())) {
      int colon = entry.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(
            "cdp.auth.workspace-tokens entries are workspace:sha256hex");
      }
      String hash = entry.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
      if (!hash.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException(
            "cdp.auth.workspace-tokens: a token hash is 64 hex characters (SHA-256)");
      }
      hashes.computeIfAbsent(entry.substring(0, colon).trim(), ws -> new HashSet<>()).add(hash);
    }
    this.hashesByWorkspace = Map.copyOf(hashes);
  }

  public Verdict verify(String workspaceId, String authorization) {
    if (authorization == null
        || authorization.length() <= BEARER.length()
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return new Verdict(Status.UNAUTHENTICATED, null);
    }
    byte[] presented = sha256(authorization.substring(BEARER.length()).trim());
    String actor = "token:" + HexFormat.of().formatHex(presented, 0, 6);
    if (matches(hashesByWorkspace.getOrDefault(workspaceId, Set.of()), presented)) {
      return new Verdict(Status.ALLOWED, actor);
    }
    for (Set<String> hashes : hashesByWorkspace.values()) {
      if (matches(hashes, presented)) {
        return new Verdict(Status.FORBIDDEN, actor);
      }
    }
    return new Verdict(Status.UNAUTHENTICATED, null);
  }

  private static boolean matches(Set<String> hashes, byte[] presented) {
    boolean found = false;
    for (String hash : hashes) {
      found |= MessageDigest.isEqual(HexFormat.of().parseHex(hash), presented);
    }
    return found;
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the JVM specification", e);
    }
  }
}
