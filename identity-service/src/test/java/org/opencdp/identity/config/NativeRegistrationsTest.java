package org.opencdp.identity.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.opencdp.testsupport.NativeRegistrationCheck;

/** A native executable needs every Kafka message type this service (de)serialises registered. */
class NativeRegistrationsTest {
  @Test
  void registersEveryContractTypeTheServiceUses() {
    assertThat(NativeRegistrationCheck.missing(NativeRegistrations.class, "org.opencdp.contracts"))
        .as("event-contracts types used by identity-service but missing from NativeRegistrations")
        .isEmpty();
  }
}
