package org.opencdp.ingestion.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.ingestion.publish.EnvelopeWriter;

/**
 * What the gateway publishes is exactly the JSON the application's ObjectMapper writes for the same
 * envelope, although the envelope's maps are views over the parsed request and the bytes come from
 * {@link EnvelopeWriter}.
 */
class EnvelopeJsonTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private final ObjectMapper reference =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  private final EnvelopeWriter writer = new EnvelopeWriter(reference);
  private final TrackingRequestParser parser = new TrackingRequestParser(HotPathBenchmark.config());
  private final MessageNormalizer normalizer = new MessageNormalizer(HotPathBenchmark.config());

  @Test
  void publishedBytesAreWhatTheObjectMapperWritesForTheSameEnvelope() throws Exception {
    Random random = new Random(11);
    for (int request = 0; request < 300; request++) {
      ArrayNode batch = NODES.arrayNode();
      for (int i = 0; i < 10; i++) {
        batch.add(message(random, request * 10 + i));
      }
      ObjectNode body = NODES.objectNode().set("batch", batch);
      if (random.nextBoolean()) {
        body.set("context", object(random, 2)); // merged into each message's context
      }
      TrackingRequest parsed = parser.parseBatch(reference.writeValueAsBytes(body));
      List<EventEnvelope> envelopes = new ArrayList<>();
      for (TrackingRequest.RawMessage raw : parsed.messages()) {
        Outcome outcome =
            normalizer.normalize(
                raw,
                parsed,
                "ws-1",
                "src-1",
                Instant.ofEpochSecond(1_764_000_000L, random.nextInt(1_000_000_000)));
        assertThat(outcome).isInstanceOf(Outcome.Accepted.class);
        envelopes.add(((Outcome.Accepted) outcome).envelope());
      }
      List<byte[]> written = writer.write(envelopes);
      assertThat(written).hasSize(envelopes.size());
      for (int i = 0; i < envelopes.size(); i++) {
        EventEnvelope readBack = reference.readValue(written.get(i), EventEnvelope.class);
        // Same content (maps, numbers, instants) ...
        assertThat(readBack).isEqualTo(envelopes.get(i));
        // ... and byte for byte what the ObjectMapper writes for it.
        assertThat(new String(written.get(i), StandardCharsets.UTF_8))
            .isEqualTo(new String(reference.writeValueAsBytes(readBack), StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void theMapsReadLikeMaps() throws Exception {
    TrackingRequest parsed =
        parser.parseBatch(
            ("{\"batch\":[{\"type\":\"identify\",\"userId\":\"u1\",\"traits\":{\"email\":\"a@b.c\","
                    + "\"age\":41,\"tags\":[\"x\",{\"k\":true}],\"none\":null}}]}")
                .getBytes(StandardCharsets.UTF_8));
    EventEnvelope envelope =
        ((Outcome.Accepted)
                normalizer.normalize(parsed.messages().get(0), parsed, "ws", "src", Instant.EPOCH))
            .envelope();
    Map<String, Object> traits = envelope.traits();
    assertThat(traits.get("email")).isEqualTo("a@b.c");
    assertThat(traits.get("age")).isEqualTo(41);
    assertThat(traits.get("tags")).isEqualTo(List.of("x", Map.of("k", true)));
    assertThat(traits.containsKey("none")).isTrue();
    assertThat(traits.get("none")).isNull();
    assertThat(traits.get("missing")).isNull();
    assertThat(traits).hasSize(4).containsKeys("email", "age", "tags", "none");
  }

  private static ObjectNode message(Random random, int n) {
    ObjectNode message = NODES.objectNode();
    message.put(
        "type", List.of("track", "identify", "page", "screen", "group", "alias").get(n % 6));
    message.put("messageId", "m-" + n);
    message.put("userId", "user-" + random.nextInt(1000));
    message.put("event", "Order Completed");
    message.put("name", "Home");
    message.put("groupId", "g-1");
    message.put("previousId", "anon-" + n);
    message.set("traits", object(random, 3));
    message.set("properties", object(random, 3));
    message.set("context", object(random, 2));
    if (random.nextBoolean()) {
      message.set("integrations", NODES.objectNode().put("All", true).put("Mixpanel", false));
    }
    Instant at =
        Instant.ofEpochSecond(
            1_600_000_000L + random.nextInt(200_000_000), random.nextInt(1000) * 1_000_000);
    message.put("originalTimestamp", at.toString());
    message.put("sentAt", at.plusMillis(random.nextInt(5000)).toString());
    if (random.nextBoolean()) {
      message.put("timestamp", "2026-11-25T11:00:00.123456+01:00");
    }
    return message;
  }

  /** A JSON object with every kind of value Segment payloads carry, nested up to {@code depth}. */
  private static ObjectNode object(Random random, int depth) {
    ObjectNode object = NODES.objectNode();
    int fields = random.nextInt(6);
    for (int f = 0; f < fields; f++) {
      object.set("k" + f + (random.nextBoolean() ? "_é\u2603\"\\n" : ""), value(random, depth));
    }
    return object;
  }

  private static com.fasterxml.jackson.databind.JsonNode value(Random random, int depth) {
    switch (random.nextInt(depth > 0 ? 10 : 8)) {
      case 0:
        return NODES.textNode("text \u00e9 \ud83d\ude00 \"quoted\" \t" + random.nextInt());
      case 1:
        return NODES.numberNode(random.nextInt());
      case 2:
        return NODES.numberNode(random.nextLong());
      case 3:
        return NODES.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
      case 4:
        return NODES.numberNode(BigInteger.valueOf(random.nextLong()).shiftLeft(70));
      case 5:
        return NODES.booleanNode(random.nextBoolean());
      case 6:
        return NODES.nullNode();
      case 7:
        return NODES.textNode("");
      case 8:
        ArrayNode array = NODES.arrayNode();
        for (int i = random.nextInt(4); i > 0; i--) {
          array.add(value(random, depth - 1));
        }
        return array;
      default:
        return object(random, depth - 1);
    }
  }
}
