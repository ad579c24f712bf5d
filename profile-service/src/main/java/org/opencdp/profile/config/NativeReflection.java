package org.opencdp.profile.config;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.EventType;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.contracts.PrivacyRequest;
import org.opencdp.contracts.PrivacyStatus;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.SegmentMembershipChanged;

/**
 * Contract records read and written with Jackson outside REST signatures (native image). The
 * MongoDB collections hold {@code org.bson.Document}s only (no POJO codec), which the Quarkus
 * MongoDB extension already supports natively, so nothing is registered for the codecs.
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
      PrivacyStatus.State.class,
      ProfileChanged.class,
      SegmentMembershipChanged.class,
      SegmentMembershipChanged.Kind.class
    })
public final class NativeReflection {
  private NativeReflection() {}
}
