package org.opencdp.profile.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.profile.Events;
import org.opencdp.profile.config.ProfileConfig;
import org.opencdp.profile.security.FieldCipher;

/**
 * Protected traits and identifiers of a stored profile are decrypted when first used, not when the
 * profile is read: a write that publishes nothing carries their stored forms back unchanged, and a
 * write that publishes them decrypts them before anything is stored. Shown with a reader whose key
 * cannot decrypt them: every use of a value fails, so any decryption would show.
 */
class SealedValuesTest {
  private static final String WS = "ws-sealed";
  private static final Instant AT = Instant.parse("2026-11-01T10:00:00Z");

  @Test
  void storedValuesAreDecryptedOnlyWhenUsedOrPublished() {
    ProfileDocuments writer = documents("0123456789abcdef0123456789abcdef");
    ProfileDocuments otherKey = documents("fedcba9876543210fedcba9876543210");
    Profile seeded = new Profile(WS, "p-1");
    KnownIdentifier email = new KnownIdentifier("email", "ana@example.com", "hash-email");
    ProfileApplier.apply(
        seeded,
        identify(Map.of("email", "ana@example.com", "plan", "pro")),
        "k-1",
        AT,
        List.of(email),
        List.of(),
        AT,
        false);
    Document stored = writer.toDocument(seeded, 1);

    Profile read = otherKey.fromDocument(stored); // nothing decrypted: this key cannot
    Document written = otherKey.toDocument(read, 2);

    assertThat(written.get("traits")).isEqualTo(stored.get("traits")); // stored forms, unchanged
    assertThat(written.get("identifiers")).isEqualTo(stored.get("identifiers"));
    assertThat(read.traits().get("plan").value()).isEqualTo("pro"); // not protected: in clear
    read.revealIfPublished(); // publishes nothing: stays sealed, does not fail
    assertThatThrownBy(() -> read.traits().get("email").value())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> read.identifiers().get("hash-email").value())
        .isInstanceOf(IllegalStateException.class);

    read.outbox.changedFields.add("traits.plan"); // a ProfileChanged would carry every value
    assertThatThrownBy(read::revealIfPublished).isInstanceOf(IllegalStateException.class);

    Profile readable = writer.fromDocument(stored);
    assertThat(readable.traits().get("email").value()).isEqualTo("ana@example.com");
    assertThat(readable.identifiers().get("hash-email").value()).isEqualTo("ana@example.com");
    assertThat(readable.identifiers().get("hash-email")).isEqualTo(email);
    assertThat(readable.traits().get("email").toString()).doesNotContain("ana");
    assertThat(readable.identifiers().get("hash-email").toString()).doesNotContain("ana");
  }

  private static EventEnvelope identify(Map<String, Object> traits) {
    return Events.identify(WS, "p-1", "u-1", AT, traits);
  }

  private static ProfileDocuments documents(String key) {
    FieldCipher cipher = new FieldCipher(key.getBytes(StandardCharsets.UTF_8));
    ProfileConfig.Crypto crypto =
        (ProfileConfig.Crypto)
            Proxy.newProxyInstance(
                SealedValuesTest.class.getClassLoader(),
                new Class<?>[] {ProfileConfig.Crypto.class},
                (proxy, method, args) ->
                    method.getName().equals("encryptedTraits") ? List.of("email") : null);
    ProfileConfig config =
        (ProfileConfig)
            Proxy.newProxyInstance(
                SealedValuesTest.class.getClassLoader(),
                new Class<?>[] {ProfileConfig.class},
                (proxy, method, args) -> method.getName().equals("crypto") ? crypto : null);
    return new ProfileDocuments(new TraitProtector(cipher, new ObjectMapper(), config), cipher);
  }
}
