package org.opencdp.identity.service.privacy;

import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.KeyedIdentifierHash;
import org.opencdp.identity.config.IdentityConfig;

/**
 * How erased identifiers are recognised: their keyed hash, and the rule that an event belongs to
 * the erased person when the gateway received it at or before the erasure.
 *
 * <p>Without a configured key the hash is plain SHA-256 of the same input (as the gateway does for
 * suppressions without a key): never the value, but guessable for low-entropy values, hence the
 * warning.
 */
@ApplicationScoped
public class ErasedIdentifiers {
  private final KeyedIdentifierHash keyed;

  public ErasedIdentifiers(IdentityConfig config) {
    this.keyed =
        config
            .crypto()
            .hmacKey()
            .map(key -> new KeyedIdentifierHash(Base64.getDecoder().decode(key.trim())))
            .orElse(null);
    if (keyed == null) {
      Log.warn(
          "CDP_IDENTITY_CRYPTO_HMAC_KEY is not set: erased identifiers are remembered as plain"
              + " SHA-256 hashes; set a key (base64, >= 16 bytes) in production");
    }
  }

  /** The stored form of an identifier of a workspace (64 hex characters). */
  public String hash(String workspaceId, Identifier identifier) {
    if (keyed != null) {
      return keyed.hash(workspaceId, identifier.type(), identifier.value());
    }
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(
                      (workspaceId + '\0' + identifier.type() + '\0' + identifier.value())
                          .getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  /**
   * An event received at or before the identifier's erasure was accepted while the person still
   * existed: it is theirs and must not bring the identifier back. An event without a receive time
   * did not come through the gateway; it is treated as theirs (the safe side for privacy).
   */
  public static boolean belongsToErased(Instant receivedAt, Instant erasedAt) {
    return erasedAt != null && (receivedAt == null || !receivedAt.isAfter(erasedAt));
  }
}
