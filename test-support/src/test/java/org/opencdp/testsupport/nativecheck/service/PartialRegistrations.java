package org.opencdp.testsupport.nativecheck.service;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.opencdp.testsupport.nativecheck.contracts.Envelope;

/** Forgets the types the envelope carries: the check must name them. */
@RegisterForReflection(targets = Envelope.class)
final class PartialRegistrations {
  private PartialRegistrations() {}
}
