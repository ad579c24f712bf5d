package org.opencdp.ingestion.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.EventType;
import org.opencdp.ingestion.config.GatewayConfig;

/**
 * Turns one Segment-spec message into the platform envelope, or a rejection with a reason: required
 * ids per call type, field types, size, and keys that MongoDB would read as operators or paths.
 */
@ApplicationScoped
class MessageNormalizer {
  private static final int MAX_ID_LENGTH = 256;

  private final GatewayConfig config;

  MessageNormalizer(GatewayConfig config) {
    this.config = config;
  }

  Outcome normalize(
      TrackingRequest.RawMessage raw,
      TrackingRequest request,
      String workspaceId,
      String sourceId,
      Instant receivedAt) {
    ObjectNode json = raw.json();
    if (json == null) {
      return new Outcome.Rejected(raw.index(), null, "A batch entry must be a JSON object.", null);
    }
    String messageId = text(json, "messageId");
    try {
      if (raw.bytes() > config.maxEventBytes()) {
        throw new Invalid(
            "The event is " + raw.bytes() + " bytes; the limit is " + config.maxEventBytes() + ".");
      }
      EventType type =
          EventType.parse(text(json, "type"))
              .orElseThrow(
                  () ->
                      new Invalid(
                          "\"type\" must be one of identify, track, page, screen, group, alias."));
      String userId = identifier(json, "userId");
      String anonymousId = identifier(json, "anonymousId");
      if (userId == null && anonymousId == null) {
        throw new Invalid("Either \"userId\" or \"anonymousId\" is required.");
      }
      String event =
          requiredFor(type == EventType.TRACK, json, "event", "A track call needs \"event\".");
      String groupId =
          requiredFor(type == EventType.GROUP, json, "groupId", "A group call needs \"groupId\".");
      String previousId =
          requiredFor(
              type == EventType.ALIAS, json, "previousId", "An alias call needs \"previousId\".");
      if (messageId == null) {
        messageId = UUID.randomUUID().toString();
      } else if (messageId.isBlank() || messageId.length() > MAX_ID_LENGTH) {
        throw new Invalid("\"messageId\" must be 1 to " + MAX_ID_LENGTH + " characters.");
      }
      ObjectNode context = mergedContext(request.batchContext(), json.get("context"));
      Instant originalTimestamp = instant(json, "originalTimestamp");
      Instant sentAt =
          Optional.ofNullable(instant(json, "sentAt"))
              .orElse(parseInstant(request.batchSentAt(), "sentAt"));
      Instant timestamp = instant(json, "timestamp");
      if (timestamp == null) {
        timestamp = correctedTimestamp(originalTimestamp, sentAt, receivedAt);
      }
      return new Outcome.Accepted(
          raw.index(),
          new EventEnvelope(
              messageId,
              workspaceId,
              sourceId,
              type,
              event,
              text(json, "name"),
              text(json, "category"),
              userId,
              anonymousId,
              groupId,
              previousId,
              objectField(json.get("traits"), "traits"),
              objectField(json.get("properties"), "properties"),
              objectField(context, "context"),
              objectField(json.get("integrations"), "integrations"),
              timestamp,
              originalTimestamp,
              sentAt,
              receivedAt,
              null,
              null));
    } catch (Invalid invalid) {
      return new Outcome.Rejected(raw.index(), messageId, invalid.getMessage(), json.toString());
    }
  }

  /**
   * Segment's clock-skew correction: the device clock is trusted for intervals, not absolute time.
   */
  private static Instant correctedTimestamp(Instant original, Instant sentAt, Instant receivedAt) {
    if (original == null) {
      return receivedAt;
    }
    if (sentAt == null) {
      return original;
    }
    return receivedAt.minus(Duration.between(original, sentAt));
  }

  /** The batch-level context is the base; the message's own context wins field by field. */
  private ObjectNode mergedContext(ObjectNode batchContext, JsonNode messageContext) {
    if (messageContext != null && !messageContext.isNull() && !messageContext.isObject()) {
      throw new Invalid("\"context\" must be an object.");
    }
    if (batchContext == null) {
      return (ObjectNode) messageContext;
    }
    ObjectNode merged = batchContext.deepCopy();
    if (messageContext instanceof ObjectNode own) {
      deepMerge(merged, own);
    }
    return merged;
  }

  private static void deepMerge(ObjectNode target, ObjectNode source) {
    source
        .fields()
        .forEachRemaining(
            entry -> {
              JsonNode existing = target.get(entry.getKey());
              if (existing instanceof ObjectNode existingObject
                  && entry.getValue() instanceof ObjectNode incoming) {
                deepMerge(existingObject, incoming);
              } else {
                target.set(entry.getKey(), entry.getValue());
              }
            });
  }

  private static Map<String, Object> objectField(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw new Invalid("\"" + field + "\" must be an object.");
    }
    try {
      return KeyCheckedMap.of((ObjectNode) node, field);
    } catch (KeyCheckedMap.ForbiddenKey forbidden) {
      throw new Invalid(forbidden.getMessage());
    }
  }

  private static String identifier(ObjectNode json, String field) {
    JsonNode node = json.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual() && !node.isIntegralNumber()) {
      throw new Invalid("\"" + field + "\" must be a string.");
    }
    String value = node.asText();
    if (value.isBlank()) {
      return null;
    }
    if (value.length() > MAX_ID_LENGTH) {
      throw new Invalid("\"" + field + "\" is longer than " + MAX_ID_LENGTH + " characters.");
    }
    return value;
  }

  private static String requiredFor(
      boolean required, ObjectNode json, String field, String message) {
    String value = identifier(json, field);
    if (required && value == null) {
      throw new Invalid(message);
    }
    return value;
  }

  private static String text(JsonNode json, String field) {
    JsonNode node = json.get(field);
    return node != null && node.isTextual() ? node.asText() : null;
  }

  private static Instant instant(JsonNode json, String field) {
    JsonNode node = json.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new Invalid("\"" + field + "\" must be an ISO-8601 date-time string.");
    }
    return parseInstant(node.asText(), field);
  }

  private static Instant parseInstant(String value, String field) {
    if (value == null) {
      return null;
    }
    try {
      return IsoTimestamps.parse(value);
    } catch (DateTimeParseException e) {
      throw new Invalid("\"" + field + "\" must be an ISO-8601 date-time string.");
    }
  }

  /** A validation failure of one message; cheap, carries no stack trace. */
  static final class Invalid extends RuntimeException {
    Invalid(String reason) {
      super(reason, null, false, false);
    }
  }
}
