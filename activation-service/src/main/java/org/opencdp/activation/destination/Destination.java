package org.opencdp.activation.destination;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A destination ready to use: settings parsed and the secret decrypted (kept in memory only).
 *
 * @param version changes on every update, so workers and clients are rebuilt
 */
public record Destination(
    String id,
    String workspaceId,
    String name,
    DestinationType type,
    Map<String, Object> config,
    String secret,
    Instant version) {

  public String string(String key) {
    Object value = config.get(key);
    return value == null ? null : value.toString();
  }

  public String string(String key, String fallback) {
    String value = string(key);
    return value == null || value.isBlank() ? fallback : value;
  }

  public int integer(String key, int fallback) {
    Object value = config.get(key);
    if (value instanceof Number n) {
      return n.intValue();
    }
    if (value instanceof String s && !s.isBlank()) {
      return Integer.parseInt(s.trim());
    }
    return fallback;
  }

  public Duration timeout(Duration fallback) {
    int millis = integer("timeoutMs", -1);
    return millis > 0 ? Duration.ofMillis(millis) : fallback;
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> map(String key) {
    return config.get(key) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @Override
  public String toString() {
    return "Destination[" + id + ", " + type + "]";
  }
}
