package org.opencdp.testsupport.nativecheck.service;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.opencdp.testsupport.nativecheck.contracts.Envelope;
import org.opencdp.testsupport.nativecheck.contracts.Tag;

@RegisterForReflection(targets = {Envelope.class, Envelope.Kind.class, Tag.class})
final class CompleteRegistrations {
  private CompleteRegistrations() {}
}
