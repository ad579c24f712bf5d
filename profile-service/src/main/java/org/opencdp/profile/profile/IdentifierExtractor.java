package org.opencdp.profile.profile;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.EventType;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.KeyedIdentifierHash;

/**
 * The identifiers an event carries: {@code userId}, {@code anonymousId}, and on identify calls the
 * {@code email} and {@code phone} traits (emails lower-cased). This is the profile-service's
 * projection for lookups; the identity-service owns the identity graph.
 */
@ApplicationScoped
public class IdentifierExtractor {
  private final KeyedIdentifierHash hasher;

  IdentifierExtractor(KeyedIdentifierHash hasher) {
    this.hasher = hasher;
  }

  public List<KnownIdentifier> of(EventEnvelope event) {
    List<KnownIdentifier> found = new ArrayList<>(4);
    add(found, event.workspaceId(), Identifier.USER_ID, event.userId());
    add(found, event.workspaceId(), Identifier.ANONYMOUS_ID, event.anonymousId());
    if (event.type() == EventType.IDENTIFY && event.traits() != null) {
      if (event.traits().get("email") instanceof String email) {
        add(found, event.workspaceId(), Identifier.EMAIL, email.trim().toLowerCase(Locale.ROOT));
      }
      if (event.traits().get("phone") instanceof String phone) {
        add(found, event.workspaceId(), Identifier.PHONE, phone.trim());
      }
    }
    return found;
  }

  public KnownIdentifier known(String workspaceId, String type, String value) {
    String normalized =
        Identifier.EMAIL.equals(type) ? value.trim().toLowerCase(Locale.ROOT) : value;
    return new KnownIdentifier(type, normalized, hasher.hash(workspaceId, type, normalized));
  }

  private void add(List<KnownIdentifier> found, String workspaceId, String type, String value) {
    if (value != null && !value.isBlank()) {
      found.add(known(workspaceId, type, value));
    }
  }
}
