package org.opencdp.identity.config;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.EventType;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentityChange;

/**
 * Kafka payload types Jackson reads and writes by reflection: a native executable must know them.
 */
@RegisterForReflection(
    targets = {
      EventEnvelope.class,
      EventType.class,
      Identifier.class,
      IdentityChange.class,
      IdentityChange.Kind.class
    })
final class NativeRegistrations {
  private NativeRegistrations() {}
}
