package org.opencdp.activation.messaging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The top-level fields of a resolved event that decide whether activation needs it at all, read by
 * streaming over the JSON without building it (properties, context and the rest are skipped): most
 * events start and end nothing here, and binding every one of them to an {@code EventEnvelope} was
 * most of this consumer's work. Producers write {@code messageId}, {@code workspaceId} and {@code
 * event} first (the record's order): once those show that no campaign names the event, the rest
 * (context, properties, timestamps, {@code profileId} last) is not read either.
 *
 * @param profileId null if absent or not read (the event is not {@link #named})
 * @param named whether a campaign of the workspace names the event
 */
record EventHeader(
    String workspaceId, String messageId, String profileId, String event, boolean named) {

  /** Whether a campaign of the workspace names the event (as trigger or exit event). */
  @FunctionalInterface
  interface Names {
    boolean named(String workspaceId, String event);
  }

  /**
   * The top-level fields, up to the event's name for an event that {@code names} does not name (a
   * malformed rest of an event that activation does not need goes unnoticed). Throws {@link
   * KeyedBatch.PoisonMessage} for JSON unreadable as far as read, or a missing workspace/id.
   */
  static EventHeader read(JsonFactory factory, String payload, Names names) {
    if (payload == null) {
      throw new KeyedBatch.PoisonMessage("empty message");
    }
    String workspaceId = null;
    String messageId = null;
    String profileId = null;
    String event = null;
    try (JsonParser parser = factory.createParser(payload)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new KeyedBatch.PoisonMessage("unreadable EventEnvelope");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
          parser.skipChildren();
          continue;
        }
        String text = value == JsonToken.VALUE_NULL ? null : parser.getValueAsString();
        switch (field) {
          case "workspaceId" -> workspaceId = text;
          case "messageId" -> messageId = text;
          case "profileId" -> profileId = text;
          case "event" -> event = text;
          default -> {
            // not needed to decide
          }
        }
        if (workspaceId != null
            && messageId != null
            && event != null
            && !names.named(workspaceId, event)) {
          return new EventHeader(workspaceId, messageId, null, event, false);
        }
      }
    } catch (IOException e) {
      throw new KeyedBatch.PoisonMessage("unreadable EventEnvelope");
    }
    if (workspaceId == null || messageId == null) {
      throw new KeyedBatch.PoisonMessage("event without workspaceId or messageId");
    }
    return new EventHeader(
        workspaceId, messageId, profileId, event, event != null && names.named(workspaceId, event));
  }
}
