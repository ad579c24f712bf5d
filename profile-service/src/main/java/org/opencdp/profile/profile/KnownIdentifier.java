package org.opencdp.profile.profile;

import org.opencdp.contracts.Identifier;

/** An identifier seen on a profile's events, with its keyed hash (the lookup key). */
public record KnownIdentifier(String type, String value, String hash) {
  public Identifier toIdentifier() {
    return new Identifier(type, value);
  }
}
