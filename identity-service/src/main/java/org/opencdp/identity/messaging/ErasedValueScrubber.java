package org.opencdp.identity.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opencdp.contracts.Identifier;
import org.opencdp.identity.service.resolution.IdentifierExtractor;

/**
 * Removes the values of erased identifiers from an event before it is published, so that an event
 * of an erased person that also names other identifiers leaves identity without them.
 *
 * <p>Every string or number anywhere in the event (top-level {@code userId}, {@code anonymousId},
 * {@code previousId}, and everything in {@code traits}, {@code context}, {@code properties}, {@code
 * integrations}, arrays included) whose value, normalised like the identifier's type (e-mail
 * lower-cased, phone without spacing), equals an erased identifier is removed: the field from its
 * object, the element from its array. Not only the fields identifiers are extracted from, because
 * the same value is often repeated elsewhere (a property, {@code context.traits}) and a value of
 * the person is personal data wherever it is. The envelope's own fields (ids of the message,
 * workspace and source, type, timestamps) are never touched. A value merely containing an erased
 * one (a URL with an e-mail in its query) is not detected.
 */
final class ErasedValueScrubber {
  private static final Set<String> ENVELOPE =
      Set.of(
          "messageId",
          "workspaceId",
          "sourceId",
          "type",
          "timestamp",
          "originalTimestamp",
          "sentAt",
          "receivedAt",
          "profileId");

  /** The published JSON and how many values were removed. */
  record Scrubbed(byte[] json, int removed) {}

  private ErasedValueScrubber() {}

  /**
   * The raw event as published: without the erased values, with the profile id (replacing one the
   * raw event may carry).
   */
  static Scrubbed scrub(
      ObjectMapper mapper, byte[] raw, List<Identifier> erased, String profileId) {
    try {
      ObjectNode event = (ObjectNode) mapper.readTree(raw);
      int removed = 0;
      Iterator<Map.Entry<String, JsonNode>> fields = event.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!ENVELOPE.contains(field.getKey())) {
          if (matches(field.getValue(), erased)) {
            fields.remove();
            removed++;
          } else {
            removed += scrub(field.getValue(), erased);
          }
        }
      }
      event.put("profileId", profileId);
      return new Scrubbed(mapper.writeValueAsBytes(event), removed);
    } catch (IOException | ClassCastException e) {
      // The consumer parsed this record as one event object already.
      throw new IllegalStateException("a parsed event could not be read again", e);
    }
  }

  private static int scrub(JsonNode node, List<Identifier> erased) {
    int removed = 0;
    if (node instanceof ObjectNode object) {
      Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
      while (fields.hasNext()) {
        JsonNode value = fields.next().getValue();
        if (matches(value, erased)) {
          fields.remove();
          removed++;
        } else {
          removed += scrub(value, erased);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = array.size() - 1; i >= 0; i--) {
        if (matches(array.get(i), erased)) {
          array.remove(i);
          removed++;
        } else {
          removed += scrub(array.get(i), erased);
        }
      }
    }
    return removed;
  }

  private static boolean matches(JsonNode node, List<Identifier> erased) {
    if (!node.isTextual() && !node.isNumber()) {
      return false;
    }
    String text = node.asText();
    for (Identifier identifier : erased) {
      if (IdentifierExtractor.normalise(identifier.type(), text).equals(identifier.value())) {
        return true;
      }
    }
    return false;
  }
}
