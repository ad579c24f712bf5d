package org.opencdp.contracts;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed hash (HMAC-SHA256, lower-case hex) of {@code workspace, type, value}, NUL-separated: the
 * same construction as the profile-service's identifier index, so a service can look an identifier
 * up, or remember that it was erased, without storing it in clear. Not reversible without the key;
 * each service uses its own key, so hashes cannot be joined across services' stores.
 */
public final class KeyedIdentifierHash {
  private final SecretKeySpec key;
  // Mac.getInstance looks the provider up on every call; one initialised Mac per thread is reused.
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

  public KeyedIdentifierHash(byte[] keyBytes) {
    if (keyBytes == null || keyBytes.length < 16) {
      throw new IllegalArgumentException("HMAC key must be at least 16 bytes");
    }
    this.key = new SecretKeySpec(keyBytes, "HmacSHA256");
  }

  public String hash(String workspaceId, String type, String value) {
    Mac mac = macs.get();
    mac.update(workspaceId.getBytes(StandardCharsets.UTF_8));
    mac.update((byte) 0);
    mac.update(type.getBytes(StandardCharsets.UTF_8));
    mac.update((byte) 0);
    // doFinal resets the Mac for the next call.
    return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
    }
  }
}
