package org.opencdp.profile.config;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.contracts.PrivacyRequest;
import org.opencdp.contracts.PrivacyStatus;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.SegmentMembershipChanged;

/** Contract records read and written with Jackson outside REST signatures (native image). */
@RegisterForReflection(
    targets = {
      EventEnvelope.class,
      Identifier.class,
      IdentityChange.class,
      PrivacyRequest.class,
      PrivacyStatus.class,
      ProfileChanged.class,
      SegmentMembershipChanged.class
    })
public final class NativeReflection {
  private NativeReflection() {}
}
