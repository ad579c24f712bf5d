package org.opencdp.profile.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import org.opencdp.contracts.EventEnvelope;

/**
 * The timeline keeps each event's payload as it came (a JSON string, so keys like {@code $where}
 * cannot act as operators), with the protected trait paths of {@code traits} and {@code
 * context.traits} encrypted.
 */
@ApplicationScoped
public class PayloadCodec {
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

  private final ObjectMapper json;
  private final TraitProtector protector;

  PayloadCodec(ObjectMapper json, TraitProtector protector) {
    this.json = json;
    this.protector = protector;
  }

  public Map<String, Object> parse(String payload) {
    try {
      return json.readValue(payload, MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("payload is not a JSON object", e);
    }
  }

  public EventEnvelope event(Map<String, Object> payload) {
    return json.convertValue(payload, EventEnvelope.class);
  }

  /** The stored form of an incoming payload. */
  public String protect(String workspaceId, String original, Map<String, Object> parsed) {
    boolean hasTraits = parsed.get("traits") instanceof Map<?, ?>;
    boolean hasContextTraits =
        parsed.get("context") instanceof Map<?, ?> context
            && context.get("traits") instanceof Map<?, ?>;
    if (!hasTraits && !hasContextTraits) {
      return original;
    }
    return write(transform(workspaceId, parsed, true));
  }

  /** The payload in clear. */
  public Map<String, Object> reveal(String workspaceId, String stored) {
    return transform(workspaceId, parse(stored), false);
  }

  public String write(Map<String, Object> payload) {
    try {
      return json.writeValueAsString(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> transform(String ws, Map<String, Object> payload, boolean protect) {
    Map<String, Object> copy = new LinkedHashMap<>(payload);
    if (copy.get("traits") instanceof Map<?, ?> traits) {
      copy.put("traits", apply(ws, (Map<String, Object>) traits, protect));
    }
    if (copy.get("context") instanceof Map<?, ?> context
        && context.get("traits") instanceof Map<?, ?> traits) {
      Map<String, Object> contextCopy = new LinkedHashMap<>((Map<String, Object>) context);
      contextCopy.put("traits", apply(ws, (Map<String, Object>) traits, protect));
      copy.put("context", contextCopy);
    }
    return copy;
  }

  private Map<String, Object> apply(String ws, Map<String, Object> traits, boolean protect) {
    return protect ? protector.protectAll(ws, traits) : protector.revealAll(ws, traits);
  }
}
