package org.opencdp.profile.profile;

import java.util.Objects;
import java.util.function.Supplier;
import org.opencdp.contracts.Identifier;

/**
 * An identifier seen on a profile's events, with its keyed hash (the lookup key). One read from a
 * stored profile is decrypted only when its value is first used ({@link #sealed}): writing the
 * profile back needs only the hash and the stored form.
 */
public final class KnownIdentifier extends RevealedOnFirstUse<String> {
  private final String type;
  private final String hash;

  public KnownIdentifier(String type, String value, String hash) {
    this(type, value, null, hash);
  }

  private KnownIdentifier(String type, String value, Supplier<String> reveal, String hash) {
    super(value, reveal);
    this.type = type;
    this.hash = hash;
  }

  /** An identifier whose value is revealed (decrypted) only when first read. */
  static KnownIdentifier sealed(String type, Supplier<String> reveal, String hash) {
    return new KnownIdentifier(type, null, reveal, hash);
  }

  public String type() {
    return type;
  }

  public String value() {
    return revealed();
  }

  public String hash() {
    return hash;
  }

  public Identifier toIdentifier() {
    return new Identifier(type, value());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KnownIdentifier k
        && Objects.equals(type, k.type)
        && Objects.equals(value(), k.value())
        && Objects.equals(hash, k.hash);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, value(), hash);
  }

  @Override
  public String toString() {
    // never the value: it is personal data
    return "KnownIdentifier[type=" + type + ", hash=" + hash + "]";
  }
}
