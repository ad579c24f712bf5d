package org.opencdp.ingestion.privacy;

import io.quarkus.cache.CacheInvalidateAll;
import io.quarkus.cache.CacheResult;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.ingestion.config.GatewayConfig;
import org.opencdp.ingestion.source.Secrets;

/**
 * Identifiers whose owners asked not to be tracked any more. The gateway refuses their events and
 * keeps no payload of them. Identifiers are compared as keyed hashes (HMAC-SHA256 with {@code
 * cdp.gateway.hash-key}), so the table does not reveal who asked.
 */
@ApplicationScoped
public class Suppressions implements PanacheRepositoryBase<SuppressedIdentifier, String> {
  static final String CACHE = "suppressions";

  private final byte[] key;

  Suppressions(GatewayConfig config) {
    this.key = config.hashKey().map(k -> k.getBytes(StandardCharsets.UTF_8)).orElse(null);
    if (key == null) {
      Log.warn("cdp.gateway.hash-key is not set: suppressed identifiers are hashed without a key");
    }
  }

  public String hash(String workspaceId, String type, String value) {
    String input = workspaceId + "\u0000" + type + "\u0000" + value;
    if (key == null) {
      return Secrets.sha256(input);
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(input.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
    }
  }

  /**
   * The suppressed hashes of a workspace, cached briefly (a suppression applies within seconds).
   */
  @CacheResult(cacheName = CACHE)
  public Uni<Set<String>> of(String workspaceId) {
    // The session is opened inside the cache: a hit costs no database session.
    return load(workspaceId);
  }

  @WithSession
  Uni<Set<String>> load(String workspaceId) {
    return list("workspaceId", workspaceId)
        .map(
            rows ->
                rows.stream().map(r -> r.identifierHash).collect(Collectors.toUnmodifiableSet()));
  }

  @CacheInvalidateAll(cacheName = CACHE)
  public Uni<Void> invalidate() {
    return Uni.createFrom().voidItem();
  }

  /** Whether the event's userId, anonymousId or email trait belongs to a suppressed person. */
  public boolean isSuppressed(Set<String> suppressed, EventEnvelope event) {
    if (suppressed.isEmpty()) {
      return false;
    }
    return matches(suppressed, event, "user_id", event.userId())
        || matches(suppressed, event, "anonymous_id", event.anonymousId())
        || (event.traits() != null
            && event.traits().get("email") instanceof String email
            && matches(suppressed, event, "email", email));
  }

  private boolean matches(Set<String> suppressed, EventEnvelope event, String type, String value) {
    return value != null && suppressed.contains(hash(event.workspaceId(), type, value));
  }
}
