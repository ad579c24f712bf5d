package org.opencdp.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.KeyedIdentifierHash;
import org.opencdp.profile.profile.BsonValues;
import org.opencdp.profile.security.FieldCipher;

class SecurityUnitTest {
  private static final byte[] KEY =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

  @Test
  void encryptedValuesRoundTripOnlyInTheirOwnWorkspace() {
    FieldCipher cipher = new FieldCipher(KEY);
    String sealed = cipher.encrypt("ws-1", "\"ana@example.com\"");

    assertThat(sealed).startsWith(FieldCipher.PREFIX).doesNotContain("ana");
    assertThat(cipher.encrypt("ws-1", "\"ana@example.com\"")).isNotEqualTo(sealed); // random IV
    assertThat(cipher.decrypt("ws-1", sealed)).isEqualTo("\"ana@example.com\"");
    assertThatThrownBy(() -> cipher.decrypt("ws-2", sealed))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void concurrentThreadsEncryptAndDecryptWithFreshIvs() throws Exception {
    FieldCipher cipher = new FieldCipher(KEY);
    var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<String>> sealed = new java.util.ArrayList<>();
      for (int i = 0; i < 400; i++) {
        String plain = "value-" + i;
        sealed.add(
            pool.submit(
                () -> {
                  String s = cipher.encrypt("ws-1", plain);
                  assertThat(cipher.decrypt("ws-1", s)).isEqualTo(plain);
                  return s;
                }));
      }
      java.util.Set<String> ivs = new java.util.HashSet<>();
      for (var f : sealed) {
        byte[] raw =
            java.util.Base64.getDecoder().decode(f.get().substring(FieldCipher.PREFIX.length()));
        ivs.add(java.util.HexFormat.of().formatHex(raw, 0, 12));
      }
      assertThat(ivs).hasSize(400); // per-thread ciphers never reuse an IV
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void identifierHashesAreKeyedAndWorkspaceScoped() {
    KeyedIdentifierHash hasher = new KeyedIdentifierHash(KEY);
    KeyedIdentifierHash otherKey =
        new KeyedIdentifierHash(
            "another-key-of-32-bytes-xxxxxxxx".getBytes(StandardCharsets.UTF_8));

    String hash = hasher.hash("ws-1", "email", "ana@example.com");
    assertThat(hash).hasSize(64).isEqualTo(hasher.hash("ws-1", "email", "ana@example.com"));
    assertThat(hasher.hash("ws-2", "email", "ana@example.com")).isNotEqualTo(hash);
    assertThat(hasher.hash("ws-1", "user_id", "ana@example.com")).isNotEqualTo(hash);
    assertThat(otherKey.hash("ws-1", "email", "ana@example.com")).isNotEqualTo(hash);
  }

  @Test
  void identifierHashesWrittenBeforeTheSharedHashStayValid() {
    // HMAC-SHA256(key, "ws-1\0email\0ana@example.com") as the service's former own hasher wrote it
    // (computed independently: printf 'ws-1\0email\0ana@example.com' | openssl dgst -sha256 -hmac
    // KEY)
    assertThat(new KeyedIdentifierHash(KEY).hash("ws-1", "email", "ana@example.com"))
        .isEqualTo("5671d4e27f0a3c02fdf53f5c3f80e2b7cb682dfb55afdcb1c8ad1626956030b7");
  }

  @Test
  void operatorAndPathKeysAreEscapedAndRestored() {
    for (String key : new String[] {"$where", "a.b", "100%", "%2E", "plain"}) {
      String escaped = BsonValues.escapeKey(key);
      assertThat(escaped).doesNotContain(".").doesNotStartWith("$");
      assertThat(BsonValues.unescapeKey(escaped)).isEqualTo(key);
    }
  }
}
