package org.opencdp.activation.security;

import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.opencdp.activation.config.ActivationConfig;
import org.opencdp.security.problem.ProblemException;

/**
 * AES-GCM for destination secrets at rest: {@code v1:<base64(iv | ciphertext+tag)>}. The workspace
 * and destination ids are bound as associated data, so a secret copied to another row does not
 * decrypt.
 */
@ApplicationScoped
public class SecretCipher {
  private static final String PREFIX = "v1:";
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;

  private final SecureRandom random = new SecureRandom();

  public SecretCipher(ActivationConfig config) {
    if (config.encryptionKey().isEmpty()) {
      Log.warn("CDP_ACTIVATION_ENCRYPTION_KEY is not set: destinations with secrets are refused");
      this.key = null;
      return;
    }
    byte[] bytes = Base64.getDecoder().decode(config.encryptionKey().get().trim());
    if (bytes.length != 16 && bytes.length != 24 && bytes.length != 32) {
      throw new IllegalArgumentException(
          "cdp.activation.encryption-key must be a base64 AES key of 16, 24 or 32 bytes");
    }
    this.key = new SecretKeySpec(bytes, "AES");
  }

  private SecretKeySpec key() {
    if (key == null) {
      throw new ProblemException(
          503,
          "Not configured",
          "destination secrets need an encryption key (CDP_ACTIVATION_ENCRYPTION_KEY)");
    }
    return key;
  }

  public String encrypt(String context, String plaintext) {
    try {
      byte[] iv = new byte[IV_BYTES];
      random.nextBytes(iv);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key(), new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[iv.length + sealed.length];
      System.arraycopy(iv, 0, out, 0, iv.length);
      System.arraycopy(sealed, 0, out, iv.length, sealed.length);
      return PREFIX + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("encryption failed", e);
    }
  }

  public String decrypt(String context, String sealed) {
    if (!sealed.startsWith(PREFIX)) {
      throw new IllegalStateException("unknown secret format");
    }
    try {
      byte[] in = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key(), new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
      cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("decryption failed (wrong key or row)", e);
    }
  }
}
