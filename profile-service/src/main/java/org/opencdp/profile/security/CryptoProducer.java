package org.opencdp.profile.security;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Base64;
import org.opencdp.profile.config.ProfileConfig;

/** Builds the cipher and the identifier hasher from the configured keys (a Kubernetes Secret). */
@Dependent
public class CryptoProducer {
  @Produces
  @Singleton
  FieldCipher fieldCipher(ProfileConfig config) {
    return new FieldCipher(Base64.getDecoder().decode(config.crypto().encryptionKey().trim()));
  }

  @Produces
  @Singleton
  IdentifierHasher identifierHasher(ProfileConfig config) {
    return new IdentifierHasher(Base64.getDecoder().decode(config.crypto().hmacKey().trim()));
  }
}
