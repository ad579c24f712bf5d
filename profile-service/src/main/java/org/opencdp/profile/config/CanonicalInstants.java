package org.opencdp.profile.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import org.opencdp.contracts.CanonicalInstantDeserializer;

/**
 * The service's ObjectMapper reads instants through {@link CanonicalInstantDeserializer} (a fast
 * path for the {@code Instant.toString()} form our messages carry, Jackson's parser for anything
 * else). Applied last, so its module's deserializer takes precedence over the JavaTimeModule's.
 */
@Singleton
public class CanonicalInstants implements ObjectMapperCustomizer {
  @Override
  public void customize(ObjectMapper mapper) {
    mapper.registerModule(CanonicalInstantDeserializer.module());
  }

  @Override
  public int priority() {
    return MINIMUM_PRIORITY;
  }
}
