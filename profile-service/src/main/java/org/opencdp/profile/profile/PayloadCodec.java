package org.opencdp.profile.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

  /** An incoming event read once: the envelope bound from the parsed tree, and the text. */
  public record Incoming(EventEnvelope event, ObjectNode tree, String original) {}

  /**
   * Parses an incoming payload once into a tree and binds the envelope from that tree (no second
   * text parse, no conversion through a map).
   */
  public Incoming incoming(String payload) {
    JsonNode tree;
    try {
      tree = json.readTree(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("payload is not JSON", e);
    }
    if (!(tree instanceof ObjectNode object)) {
      throw new IllegalArgumentException("payload is not a JSON object");
    }
    EventEnvelope event;
    try {
      event = json.treeToValue(object, EventEnvelope.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("payload is not an event", e);
    }
    if (event == null) {
      throw new IllegalArgumentException("payload is not an event");
    }
    return new Incoming(event, object, payload);
  }

  /**
   * The stored form of an incoming payload: the text as it came, re-encoded from the tree only when
   * it carries traits to protect.
   */
  @SuppressWarnings("unchecked")
  public String stored(Incoming incoming) {
    ObjectNode tree = incoming.tree();
    EventEnvelope event = incoming.event();
    String ws = event.workspaceId();
    boolean hasTraits = tree.get("traits") instanceof ObjectNode;
    boolean hasContextTraits =
        tree.get("context") instanceof ObjectNode context
            && context.get("traits") instanceof ObjectNode;
    if (!hasTraits && !hasContextTraits) {
      return incoming.original();
    }
    if (hasTraits) {
      tree.set("traits", json.valueToTree(protector.protectAll(ws, event.traits())));
    }
    if (hasContextTraits) {
      Map<String, Object> contextTraits = (Map<String, Object>) event.context().get("traits");
      ((ObjectNode) tree.get("context"))
          .set("traits", json.valueToTree(protector.protectAll(ws, contextTraits)));
    }
    try {
      return json.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
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
