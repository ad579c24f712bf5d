package org.opencdp.profile.security;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Base64;
import org.opencdp.contracts.KeyedIdentifierHash;
import org.opencdp.profile.config.ProfileConfig;

/**
 * Builds the cipher and the identifier hash from the configured keys (a Kubernetes Secret). The
 * hash is the shared {@link KeyedIdentifierHash}, the same HMAC-SHA256 construction this service
 * used before, so stored identifier and tombstone hashes stay valid.
 */
@Dependent
public class CryptoProducer {
  @Produces
  @Singleton
  FieldCipher fieldCipher(ProfileConfig config) {
    return new FieldCipher(Base64.getDecoder().decode(config.crypto().encryptionKey().trim()));
  }

  @Produces
  @Singleton
  KeyedIdentifierHash identifierHash(ProfileConfig config) {
    return new KeyedIdentifierHash(Base64.getDecoder().decode(config.crypto().hmacKey().trim()));
  }
}
