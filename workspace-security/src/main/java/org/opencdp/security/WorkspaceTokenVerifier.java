package org.opencdp.security;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Interim workspace bearer tokens, until a platform token service exists: {@value #KEY} (env {@code
 * CDP_AUTH_WORKSPACE_TOKENS}) lists {@code workspace:sha256hex} entries separated by commas; a
 * workspace may have several (rotation), a token hash belongs to one workspace only. Only hashes
 * are configured; a presented token is hashed and compared in constant time with every configured
 * hash. Neither tokens nor hashes are ever logged or put in an error message. The configuration is
 * validated when the service starts, so a malformed entry stops the start instead of a 401 storm.
 */
@Startup
@ApplicationScoped
public class WorkspaceTokenVerifier {
  /** The one setting every workspace-scoped service reads. */
  public static final String KEY = "cdp.auth.workspace-tokens";

  private static final Logger LOG = Logger.getLogger(WorkspaceTokenVerifier.class);
  private static final String BEARER = "bearer ";
  private static final int ACTOR_FINGERPRINT_BYTES = 6;

  /**
   * Outcome of checking a request. {@code workspace} is the token's workspace when allowed; {@code
   * actor} a short token fingerprint for audit trails (never the token or its full hash).
   */
  public record Verdict(Status status, String workspace, String actor) {}

  public enum Status {
    ALLOWED,
    /** No or malformed Authorization header, or a token no workspace knows: 401. */
    UNAUTHENTICATED,
    /** A valid token of another workspace: 403. */
    FORBIDDEN
  }

  private record Entry(String workspace, byte[] hash) {}

  private final List<Entry> entries;

  @Inject
  public WorkspaceTokenVerifier(@ConfigProperty(name = KEY) Optional<List<String>> configured) {
    this.entries = parse(configured.orElse(List.of()));
    if (entries.isEmpty()) {
      LOG.warnf("%s is empty: every workspace-scoped API call answers 401", KEY);
    }
  }

  /** Checks a request addressed to {@code workspaceId} (from its path). */
  public Verdict verify(String workspaceId, String authorization) {
    byte[] presented = presentedHash(authorization);
    String owner = presented == null ? null : ownerOf(presented);
    if (owner == null) {
      return new Verdict(Status.UNAUTHENTICATED, null, null);
    }
    return owner.equals(workspaceId)
        ? new Verdict(Status.ALLOWED, owner, actor(presented))
        : new Verdict(Status.FORBIDDEN, null, actor(presented));
  }

  /** Finds the workspace of a request that names none: the token's own workspace, if any. */
  public Verdict identify(String authorization) {
    byte[] presented = presentedHash(authorization);
    String owner = presented == null ? null : ownerOf(presented);
    return owner == null
        ? new Verdict(Status.UNAUTHENTICATED, null, null)
        : new Verdict(Status.ALLOWED, owner, actor(presented));
  }

  /** Compares with every configured hash, without stopping at a match. */
  private String ownerOf(byte[] presented) {
    String owner = null;
    for (Entry entry : entries) {
      if (MessageDigest.isEqual(entry.hash(), presented)) {
        owner = entry.workspace();
      }
    }
    return owner;
  }

  private static byte[] presentedHash(String authorization) {
    if (authorization == null
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return null;
    }
    String token = authorization.substring(BEARER.length()).trim();
    return token.isEmpty() ? null : sha256(token);
  }

  private static String actor(byte[] presented) {
    return "token:" + HexFormat.of().formatHex(presented, 0, ACTOR_FINGERPRINT_BYTES);
  }

  /** Error messages name the entry by position only: a pasted token must not reach the log. */
  private static List<Entry> parse(List<String> configured) {
    List<Entry> parsed = new ArrayList<>();
    for (int i = 0; i < configured.size(); i++) {
      String entry = configured.get(i).trim();
      if (entry.isEmpty()) {
        continue;
      }
      int colon = entry.lastIndexOf(':');
      if (colon <= 0 || entry.substring(0, colon).isBlank()) {
        throw invalid(i, "is not workspace:sha256hex");
      }
      String workspace = entry.substring(0, colon).trim();
      String hex = entry.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
      if (!hex.matches("[0-9a-f]{64}")) {
        throw invalid(
            i,
            "needs the SHA-256 of the token as 64 hex characters after the colon, not the token");
      }
      byte[] hash = HexFormat.of().parseHex(hex);
      for (Entry known : parsed) {
        if (MessageDigest.isEqual(known.hash(), hash) && !known.workspace().equals(workspace)) {
          throw invalid(i, "repeats a token hash of another workspace; a token has one workspace");
        }
      }
      parsed.add(new Entry(workspace, hash));
    }
    return List.copyOf(parsed);
  }

  private static IllegalArgumentException invalid(int index, String problem) {
    return new IllegalArgumentException(KEY + ": entry " + (index + 1) + " " + problem);
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the JVM specification", e);
    }
  }
}
