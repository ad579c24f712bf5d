package org.opencdp.profile.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import org.opencdp.contracts.InstantJson;

/**
 * The service's ObjectMapper reads and writes instants through {@link InstantJson} (a fast path for
 * the {@code Instant.toString()} form our messages carry, the JavaTimeModule for anything else).
 * Applied last, so its module takes precedence over the JavaTimeModule.
 */
@Singleton
public class CanonicalInstants implements ObjectMapperCustomizer {
  @Override
  public void customize(ObjectMapper mapper) {
    mapper.registerModule(InstantJson.module());
  }

  @Override
  public int priority() {
    return MINIMUM_PRIORITY;
  }
}
