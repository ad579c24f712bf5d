package org.opencdp.profile.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed hash (HMAC-SHA256) of {@code workspace, type, value}: identifiers are looked up by it, so
 * the store never needs them in clear to find a profile, and the hash cannot be reversed without
 * the key.
 */
public final class IdentifierHasher {
  private final SecretKeySpec key;

  public IdentifierHasher(byte[] keyBytes) {
    if (keyBytes.length < 16) {
      throw new IllegalArgumentException("HMAC key must be at least 16 bytes");
    }
    this.key = new SecretKeySpec(keyBytes, "HmacSHA256");
  }

  public String hash(String workspaceId, String type, String value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(workspaceId.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      mac.update(type.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("hmac failed", e);
    }
  }
}
