package org.opencdp.identity.config;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.EventType;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.contracts.PrivacyRequest;
import org.opencdp.contracts.PrivacyStatus;

/**
 * Kafka payload types Jackson reads and writes by reflection: a native executable must know them.
 */
@RegisterForReflection(
    targets = {
      EventEnvelope.class,
      EventType.class,
      Identifier.class,
      IdentityChange.class,
      IdentityChange.Kind.class,
      PrivacyRequest.class,
      PrivacyRequest.Kind.class,
      PrivacyStatus.class,
      PrivacyStatus.State.class
    })
final class NativeRegistrations {
  private NativeRegistrations() {}
}
