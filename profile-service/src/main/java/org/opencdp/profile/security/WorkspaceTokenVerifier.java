package org.opencdp.profile.security;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.opencdp.profile.config.ProfileConfig;

/**
 * Interim bearer-token check until platform-wide token management exists: a request's {@code
 * Authorization: Bearer <token>} is hashed with SHA-256 and compared with the hashes configured per
 * workspace in {@code cdp.profile.auth.workspace-tokens} ({@code workspace:sha256hex,...}). A token
 * belongs to exactly one workspace. Only hashes are configured, tokens are never stored or logged.
 * Replace this class (and {@link BearerAuthFilter}) when a real token service arrives.
 */
@ApplicationScoped
public class WorkspaceTokenVerifier {
  private final Map<String, String> workspaceByTokenHash = new HashMap<>();

  WorkspaceTokenVerifier(ProfileConfig config) {
    List<String> entries = config.auth().workspaceTokens().orElse(List.of());
    for (String entry : entries) {
      String trimmed = entry.trim();
      int colon = trimmed.lastIndexOf(':');
      if (colon <= 0 || colon == trimmed.length() - 1) {
        throw new IllegalArgumentException(
            "cdp.profile.auth.workspace-tokens entries must be workspace:sha256hex");
      }
      String hash = trimmed.substring(colon + 1).toLowerCase(Locale.ROOT);
      if (hash.length() != 64) {
        throw new IllegalArgumentException(
            "cdp.profile.auth.workspace-tokens: token hashes must be 64 hex characters (SHA-256)");
      }
      workspaceByTokenHash.put(hash, trimmed.substring(0, colon));
    }
  }

  /** The workspace the bearer token in this header value belongs to, if any. */
  public Optional<String> workspaceFor(String authorizationHeader) {
    if (authorizationHeader == null
        || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    String token = authorizationHeader.substring(7).trim();
    if (token.isEmpty()) {
      return Optional.empty();
    }
    byte[] presented = sha256(token);
    // constant-time comparison against every configured hash
    String match = null;
    for (Map.Entry<String, String> e : workspaceByTokenHash.entrySet()) {
      if (MessageDigest.isEqual(presented, HexFormat.of().parseHex(e.getKey()))) {
        match = e.getValue();
      }
    }
    return Optional.ofNullable(match);
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
