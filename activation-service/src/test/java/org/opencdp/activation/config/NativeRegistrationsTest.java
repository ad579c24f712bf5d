package org.opencdp.activation.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.opencdp.testsupport.NativeRegistrationCheck;

/** A native executable needs every Kafka message type this service (de)serialises registered. */
class NativeRegistrationsTest {
  @Test
  void registersEveryContractTypeTheServiceUses() {
    assertThat(NativeRegistrationCheck.missing(NativeRegistrations.class, "org.opencdp.contracts"))
        .as("event-contracts types used by activation-service but missing from NativeRegistrations")
        .isEmpty();
  }

  @Test
  void registersTheCampaignTypesStoredAsJson() {
    assertThat(
            NativeRegistrationCheck.missing(
                NativeRegistrations.class, "org.opencdp.activation.campaign"))
        .as("campaign records (the definition is stored as JSON) missing from NativeRegistrations")
        .isEmpty();
  }
}
