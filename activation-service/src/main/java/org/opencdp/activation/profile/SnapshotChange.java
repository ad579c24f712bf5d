package org.opencdp.activation.profile;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.ProfileChanged;

/**
 * What activation keeps of a {@link ProfileChanged}: traits, consent and identifiers as the JSON
 * text stored in the snapshot row, consent also as a map (granted categories lift local refusals),
 * the version and the deleted flag. Read by streaming over the message: traits are copied as text,
 * not bound to a map and written back, and computed traits and changed fields are skipped.
 */
public record SnapshotChange(
    String workspaceId,
    String profileId,
    long version,
    String traitsJson,
    Map<String, Boolean> consent,
    String consentJson,
    String identifiersJson,
    boolean deleted,
    Instant occurredAt) {

  private static final TypeReference<Map<String, Boolean>> CONSENT = new TypeReference<>() {};
  private static final TypeReference<List<Identifier>> IDENTIFIERS = new TypeReference<>() {};

  /** The same change from the contract record (tests, callers holding one). */
  public static SnapshotChange of(ProfileChanged c, ObjectMapper json) {
    try {
      Map<String, Boolean> consent = c.consent() == null ? Map.of() : c.consent();
      return new SnapshotChange(
          c.workspaceId(),
          c.profileId(),
          c.version(),
          json.writeValueAsString(c.traits() == null ? Map.of() : c.traits()),
          consent,
          json.writeValueAsString(consent),
          json.writeValueAsString(c.identifiers() == null ? List.of() : c.identifiers()),
          c.deleted(),
          c.occurredAt());
    } catch (IOException e) {
      throw new IllegalStateException("not writable as JSON", e);
    }
  }

  /**
   * Reads a ProfileChanged message; throws {@link IllegalArgumentException} for one that is not
   * JSON, lacks workspaceId or profileId, or whose traits, consent or identifiers have the wrong
   * shape (they are read back from the snapshot at send time).
   */
  public static SnapshotChange read(ObjectMapper json, String payload) {
    if (payload == null) {
      throw new IllegalArgumentException("empty message");
    }
    String workspaceId = null;
    String profileId = null;
    long version = 0;
    String traits = "{}";
    Map<String, Boolean> consent = Map.of();
    String consentJson = "{}";
    String identifiers = "[]";
    boolean deleted = false;
    Instant occurredAt = null;
    try (JsonParser parser = json.getFactory().createParser(payload)) {
      expect(parser.nextToken() == JsonToken.START_OBJECT);
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken token = parser.nextToken();
        if (token == JsonToken.VALUE_NULL) {
          continue;
        }
        switch (field) {
          case "workspaceId" -> workspaceId = parser.getValueAsString();
          case "profileId" -> profileId = parser.getValueAsString();
          case "version" -> version = parser.getValueAsLong();
          case "deleted" -> deleted = parser.getValueAsBoolean();
          case "occurredAt" -> occurredAt = json.readValue(parser, Instant.class);
          case "traits" -> {
            expect(token == JsonToken.START_OBJECT);
            int start = (int) parser.currentTokenLocation().getCharOffset();
            parser.skipChildren();
            traits = payload.substring(start, (int) parser.currentLocation().getCharOffset());
          }
          case "consent" -> {
            int start = (int) parser.currentTokenLocation().getCharOffset();
            consent = json.readValue(parser, CONSENT);
            consentJson = payload.substring(start, (int) parser.currentLocation().getCharOffset());
          }
          case "identifiers" -> {
            int start = (int) parser.currentTokenLocation().getCharOffset();
            json.readValue(parser, IDENTIFIERS);
            identifiers = payload.substring(start, (int) parser.currentLocation().getCharOffset());
          }
          default -> parser.skipChildren();
        }
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException unreadable) {
        throw unreadable;
      }
      throw new IllegalArgumentException("unreadable ProfileChanged");
    }
    if (workspaceId == null || profileId == null) {
      throw new IllegalArgumentException("ProfileChanged without workspaceId or profileId");
    }
    return new SnapshotChange(
        workspaceId,
        profileId,
        version,
        traits,
        consent == null ? Map.of() : consent,
        consentJson,
        identifiers,
        deleted,
        occurredAt);
  }

  private static void expect(boolean shape) {
    if (!shape) {
      throw new IllegalArgumentException("unreadable ProfileChanged");
    }
  }
}
