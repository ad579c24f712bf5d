package org.opencdp.identity.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.identity.support.Events;
import org.opencdp.identity.support.KafkaTestClient;

class ResolvedEventJsonTest {
  @Test
  void addsTheProfileIdToTheRawObjectAndKeepsEverythingElse() throws Exception {
    EventEnvelope raw = Events.identify("ws", "user-1", "anon-1", java.util.Map.of("plan", "pro"));
    byte[] bytes = KafkaTestClient.JSON.writeValueAsBytes(raw);

    byte[] resolved = ResolvedEventJson.withProfileId(bytes, "p-\"1\"");

    assertThat(KafkaTestClient.JSON.readValue(resolved, EventEnvelope.class))
        .isEqualTo(raw.withProfileId("p-\"1\""));
  }

  @Test
  void handlesTrailingWhitespaceAndTheEmptyObject() {
    assertThat(text(ResolvedEventJson.withProfileId(bytes("{\"a\":1} \n"), "p")))
        .isEqualTo("{\"a\":1,\"profileId\":\"p\"}");
    assertThat(text(ResolvedEventJson.withProfileId(bytes("{ }"), "p")))
        .isEqualTo("{ \"profileId\":\"p\"}");
  }

  @Test
  void declinesWhenTheRawRecordNamesAProfileIdOrIsNotAnObject() {
    assertThat(ResolvedEventJson.withProfileId(bytes("{\"profileId\":null}"), "p")).isNull();
    assertThat(ResolvedEventJson.withProfileId(bytes("[1]"), "p")).isNull();
    assertThat(ResolvedEventJson.withProfileId(bytes(""), "p")).isNull();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
