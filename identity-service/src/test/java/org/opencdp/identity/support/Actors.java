package org.opencdp.identity.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The audit actor a token leaves: {@code token:} and the first 12 hex of its SHA-256. */
public final class Actors {
  private Actors() {}

  public static String of(String bearerToken) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(bearerToken.getBytes(StandardCharsets.UTF_8));
      return "token:" + HexFormat.of().formatHex(hash, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
