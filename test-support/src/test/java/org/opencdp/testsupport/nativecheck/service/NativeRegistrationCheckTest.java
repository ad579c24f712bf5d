package org.opencdp.testsupport.nativecheck.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.opencdp.testsupport.NativeRegistrationCheck;

class NativeRegistrationCheckTest {
  private static final String CONTRACTS = "org.opencdp.testsupport.nativecheck.contracts";

  @Test
  void namesTheContractTypesAServiceUsesButDoesNotRegister() throws URISyntaxException {
    assertThat(
            NativeRegistrationCheck.missing(
                PartialRegistrations.class, serviceClasses(), CONTRACTS))
        .containsExactly(
            CONTRACTS + ".Envelope$Kind", // a component of a used record
            CONTRACTS + ".Tag"); // inside List<Tag> and Map<String, Tag[]>
  }

  @Test
  void acceptsCompleteRegistrationsAndIgnoresUnusedContractTypes() throws URISyntaxException {
    assertThat(
            NativeRegistrationCheck.missing(
                CompleteRegistrations.class, serviceClasses(), CONTRACTS))
        .isEmpty();
  }

  /** Only the stand-in service's classes, not the rest of this module's test classes. */
  private static Path serviceClasses() throws URISyntaxException {
    return Path.of(Consumer.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .resolve(Consumer.class.getPackageName().replace('.', '/'));
  }
}
