package org.opencdp.profile.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.opencdp.testsupport.NativeRegistrationCheck;

/** A native executable needs every Kafka message type this service (de)serialises registered. */
class NativeReflectionTest {
  @Test
  void registersEveryContractTypeTheServiceUses() {
    assertThat(NativeRegistrationCheck.missing(NativeReflection.class, "org.opencdp.contracts"))
        .as("event-contracts types used by profile-service but missing from NativeReflection")
        .isEmpty();
  }
}
