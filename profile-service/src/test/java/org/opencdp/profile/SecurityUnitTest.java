package org.opencdp.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.opencdp.profile.profile.BsonValues;
import org.opencdp.profile.security.FieldCipher;
import org.opencdp.profile.security.IdentifierHasher;

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
  void identifierHashesAreKeyedAndWorkspaceScoped() {
    IdentifierHasher hasher = new IdentifierHasher(KEY);
    IdentifierHasher otherKey =
        new IdentifierHasher("another-key-of-32-bytes-xxxxxxxx".getBytes(StandardCharsets.UTF_8));

    String hash = hasher.hash("ws-1", "email", "ana@example.com");
    assertThat(hash).hasSize(64).isEqualTo(hasher.hash("ws-1", "email", "ana@example.com"));
    assertThat(hasher.hash("ws-2", "email", "ana@example.com")).isNotEqualTo(hash);
    assertThat(hasher.hash("ws-1", "user_id", "ana@example.com")).isNotEqualTo(hash);
    assertThat(otherKey.hash("ws-1", "email", "ana@example.com")).isNotEqualTo(hash);
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
