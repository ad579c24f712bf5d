package org.opencdp.profile.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM for values at rest. Output is {@code enc:v1:<base64(iv | ciphertext+tag)>}; the workspace
 * id is bound as associated data, so a value copied into another workspace does not decrypt.
 */
public final class FieldCipher {
  public static final String PREFIX = "enc:v1:";
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;
  // Cipher.getInstance looks the provider up on every call, and one shared SecureRandom is a lock
  // every consumer and request thread would queue on: both are kept per thread (a Cipher is re-
  // initialised with a fresh IV for every value, so reusing the object never reuses an IV).
  private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(FieldCipher::newCipher);
  private final ThreadLocal<SecureRandom> randoms = ThreadLocal.withInitial(SecureRandom::new);

  public FieldCipher(byte[] keyBytes) {
    if (keyBytes.length != 16 && keyBytes.length != 24 && keyBytes.length != 32) {
      throw new IllegalArgumentException("AES key must be 16, 24 or 32 bytes");
    }
    this.key = new SecretKeySpec(keyBytes, "AES");
  }

  public static boolean isEncrypted(Object value) {
    return value instanceof String s && s.startsWith(PREFIX);
  }

  public String encrypt(String workspaceId, String plaintext) {
    try {
      byte[] iv = new byte[IV_BYTES];
      randoms.get().nextBytes(iv);
      Cipher cipher = ciphers.get();
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(workspaceId.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[iv.length + sealed.length];
      System.arraycopy(iv, 0, out, 0, iv.length);
      System.arraycopy(sealed, 0, out, iv.length, sealed.length);
      return PREFIX + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("encryption failed", e);
    }
  }

  public String decrypt(String workspaceId, String encrypted) {
    try {
      byte[] in = Base64.getDecoder().decode(encrypted.substring(PREFIX.length()));
      Cipher cipher = ciphers.get();
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
      cipher.updateAAD(workspaceId.getBytes(StandardCharsets.UTF_8));
      byte[] plain = cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("decryption failed (wrong key or workspace)", e);
    }
  }

  private static Cipher newCipher() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM is part of every JVM", e);
    }
  }
}
