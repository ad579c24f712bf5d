package org.opencdp.identity.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.Identifier;

class ErasedValueScrubberTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void removesErasedValuesAtAnyDepthNormalisedByTypeAndKeepsTheRest() throws Exception {
    String raw =
        """
        {"messageId":"m-1","workspaceId":"ws","type":"identify","userId":"42",
         "anonymousId":"a-1","profileId":"old",
         "traits":{"email":" Ada@Mail.IO ","phone":"+44 (20) 7946-0000","plan":"pro","n":42},
         "context":{"externalIds":[{"type":"email","id":"ada@mail.io"}],"ids":["42","keep"]},
         "properties":{"nested":{"deep":[{"who":"ada@mail.io"}]},"price":42.5}}
        """;
    List<Identifier> erased =
        List.of(
            new Identifier(Identifier.USER_ID, "42"),
            new Identifier(Identifier.EMAIL, "ada@mail.io"),
            new Identifier(Identifier.PHONE, "+442079460000"));

    ErasedValueScrubber.Scrubbed scrubbed =
        ErasedValueScrubber.scrub(JSON, raw.getBytes(StandardCharsets.UTF_8), erased, "p-1");

    JsonNode event = JSON.readTree(scrubbed.json());
    assertThat(event.has("userId")).isFalse();
    assertThat(event.get("anonymousId").asText()).isEqualTo("a-1");
    assertThat(event.get("profileId").asText()).isEqualTo("p-1");
    assertThat(event.get("messageId").asText()).isEqualTo("m-1");
    assertThat(event.get("traits").toString()).isEqualTo("{\"plan\":\"pro\"}");
    assertThat(event.get("context").toString())
        .isEqualTo("{\"externalIds\":[{\"type\":\"email\"}],\"ids\":[\"keep\"]}");
    assertThat(event.get("properties").toString())
        .isEqualTo("{\"nested\":{\"deep\":[{}]},\"price\":42.5}");
    // userId, traits.email, traits.phone, traits.n, externalIds[0].id, ids[0], deep[0].who
    assertThat(scrubbed.removed()).isEqualTo(7);
  }

  @Test
  void neverTouchesTheEnvelopeFields() throws Exception {
    String raw =
        "{\"messageId\":\"42\",\"workspaceId\":\"42\",\"sourceId\":\"42\",\"userId\":\"42\"}";

    ErasedValueScrubber.Scrubbed scrubbed =
        ErasedValueScrubber.scrub(
            JSON,
            raw.getBytes(StandardCharsets.UTF_8),
            List.of(new Identifier(Identifier.USER_ID, "42")),
            "p-1");

    assertThat(new String(scrubbed.json(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"messageId\":\"42\",\"workspaceId\":\"42\",\"sourceId\":\"42\",\"profileId\":\"p-1\"}");
    assertThat(scrubbed.removed()).isEqualTo(1);
  }
}
