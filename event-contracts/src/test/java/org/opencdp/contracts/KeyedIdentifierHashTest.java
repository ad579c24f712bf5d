package org.opencdp.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class KeyedIdentifierHashTest {
  private static final byte[] KEY = "0123456789abcdef-test-key".getBytes(StandardCharsets.UTF_8);

  @Test
  void isTheHmacOfWorkspaceTypeAndValueSeparatedByNul() throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
    String expected =
        HexFormat.of()
            .formatHex(mac.doFinal("acme\0email\0ada@engines.io".getBytes(StandardCharsets.UTF_8)));

    KeyedIdentifierHash hash = new KeyedIdentifierHash(KEY);

    assertThat(hash.hash("acme", "email", "ada@engines.io")).isEqualTo(expected);
    assertThat(hash.hash("acme", "email", "ada@engines.io"))
        .as("a reused Mac gives the same hash again")
        .isEqualTo(expected)
        .doesNotContain("ada");
  }

  @Test
  void dependsOnWorkspaceTypeValueAndKey() {
    KeyedIdentifierHash hash = new KeyedIdentifierHash(KEY);
    String base = hash.hash("acme", "user_id", "u1");

    assertThat(hash.hash("globex", "user_id", "u1")).isNotEqualTo(base);
    assertThat(hash.hash("acme", "anonymous_id", "u1")).isNotEqualTo(base);
    assertThat(hash.hash("acme", "user_id", "u2")).isNotEqualTo(base);
    assertThat(hash.hash("acmeuser_id", "", "u1")).isNotEqualTo(base);
    assertThat(
            new KeyedIdentifierHash("another-16-byte-key!".getBytes(StandardCharsets.UTF_8))
                .hash("acme", "user_id", "u1"))
        .isNotEqualTo(base);
  }

  @Test
  void refusesShortKeys() {
    assertThatThrownBy(() -> new KeyedIdentifierHash(new byte[15]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
