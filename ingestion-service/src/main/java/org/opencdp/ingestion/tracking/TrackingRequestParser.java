package org.opencdp.ingestion.tracking;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.opencdp.contracts.EventType;
import org.opencdp.ingestion.config.GatewayConfig;
import org.opencdp.ingestion.problem.ProblemException;

/**
 * Parses single calls ({@code /v1/track}) and batches ({@code /v1/batch}, {@code /v1/import},
 * {@code /v1/b}) whatever the Content-Type said. Streams the batch array so each message's exact
 * size is known without serialising it again, and bounds nesting depth in the parser itself.
 */
@ApplicationScoped
class TrackingRequestParser {
  private final GatewayConfig config;
  private final ObjectMapper mapper;

  TrackingRequestParser(GatewayConfig config) {
    this.config = config;
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(config.maxJsonDepth())
                    .maxStringLength(config.maxEventBytes())
                    .build())
            .build();
    this.mapper = new ObjectMapper(factory);
  }

  TrackingRequest parseSingle(byte[] body, EventType pathType) {
    try (JsonParser parser = mapper.createParser(body)) {
      JsonNode root = mapper.readTree(parser);
      requireNoTrailingContent(parser);
      ObjectNode message = requireObject(root, "The body must be a JSON object.");
      if (!message.hasNonNull("type")) {
        message.put("type", pathType.wireName());
      }
      return new TrackingRequest(
          text(message, "writeKey"),
          null,
          text(message, "sentAt"),
          List.of(new TrackingRequest.RawMessage(0, message, body.length)));
    } catch (IOException e) {
      throw invalidJson(e);
    }
  }

  TrackingRequest parseBatch(byte[] body) {
    try (JsonParser parser = mapper.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw ProblemException.badRequest("The body must be a JSON object with a \"batch\" array.");
      }
      List<TrackingRequest.RawMessage> messages = null;
      ObjectNode envelope = mapper.createObjectNode();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        parser.nextToken();
        if ("batch".equals(field)) {
          messages = readBatchArray(parser);
        } else {
          envelope.set(field, mapper.readTree(parser));
        }
      }
      requireNoTrailingContent(parser);
      if (messages == null) {
        throw ProblemException.badRequest("The body has no \"batch\" array.");
      }
      JsonNode context = envelope.get("context");
      return new TrackingRequest(
          text(envelope, "writeKey"),
          context instanceof ObjectNode object ? object : null,
          text(envelope, "sentAt"),
          messages);
    } catch (IOException e) {
      throw invalidJson(e);
    }
  }

  private List<TrackingRequest.RawMessage> readBatchArray(JsonParser parser) throws IOException {
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      throw ProblemException.badRequest("\"batch\" must be an array of messages.");
    }
    List<TrackingRequest.RawMessage> messages = new ArrayList<>();
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      if (messages.size() >= config.maxBatchEvents()) {
        throw ProblemException.tooLarge(
            "A batch may carry at most " + config.maxBatchEvents() + " events.");
      }
      long start = parser.currentTokenLocation().getByteOffset();
      JsonNode node = mapper.readTree(parser);
      long end = parser.currentLocation().getByteOffset();
      ObjectNode message = node instanceof ObjectNode object ? object : null;
      messages.add(new TrackingRequest.RawMessage(messages.size(), message, (int) (end - start)));
    }
    return messages;
  }

  private static void requireNoTrailingContent(JsonParser parser) throws IOException {
    if (parser.nextToken() != null) {
      throw ProblemException.badRequest("The body has content after the JSON value.");
    }
  }

  private static ObjectNode requireObject(JsonNode root, String detail) {
    if (root instanceof ObjectNode object) {
      return object;
    }
    throw ProblemException.badRequest(detail);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }

  private ProblemException invalidJson(IOException e) {
    if (e instanceof StreamConstraintsException) {
      return ProblemException.badRequest(
          "The JSON is nested deeper than "
              + config.maxJsonDepth()
              + " levels or holds an oversized value.");
    }
    if (e instanceof JsonProcessingException json) {
      var location = json.getLocation();
      String where = location == null ? "" : " near byte " + location.getByteOffset();
      return ProblemException.badRequest("The body is not valid JSON" + where + ".");
    }
    return ProblemException.badRequest("The body could not be read.");
  }
}
