package org.opencdp.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventEnvelopeJsonTest {

  private final ObjectMapper mapper =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  @Test
  void roundTripsEveryFieldThroughJson() throws Exception {
    EventEnvelope envelope =
        new EventEnvelope(
            "m-1",
            "acme",
            "web",
            EventType.TRACK,
            "Order Completed",
            null,
            null,
            "u-1",
            "a-1",
            null,
            null,
            null,
            Map.of("revenue", 42.5),
            Map.of("consent", Map.of("categoryPreferences", Map.of("marketing", true))),
            Map.of("All", true),
            Instant.parse("2026-01-01T10:00:00Z"),
            Instant.parse("2026-01-01T09:59:59Z"),
            Instant.parse("2026-01-01T10:00:01Z"),
            Instant.parse("2026-01-01T10:00:02Z"),
            List.of("unplanned event"),
            null);

    String json = mapper.writeValueAsString(envelope);
    EventEnvelope back = mapper.readValue(json, EventEnvelope.class);

    assertThat(json).contains("\"type\":\"track\"").doesNotContain("profileId");
    assertThat(back).usingRecursiveComparison().isEqualTo(envelope);
    assertThat(back.consentPreferences()).containsEntry("marketing", true);
  }

  @Test
  void keysEventsByWorkspaceAndFirstIdentifier() {
    EventEnvelope anonymous = minimal("acme", null, "anon-9");
    EventEnvelope known = minimal("acme", "user-7", "anon-9");

    assertThat(anonymous.rawPartitionKey()).isEqualTo("acme:a:anon-9");
    assertThat(known.rawPartitionKey()).isEqualTo("acme:u:user-7");
    assertThat(known.withProfileId("p-1").profileId()).isEqualTo("p-1");
  }

  @Test
  void parsesLongAndOneLetterTypeNames() {
    assertThat(EventType.parse("t")).contains(EventType.TRACK);
    assertThat(EventType.parse("Identify")).contains(EventType.IDENTIFY);
    assertThat(EventType.parse("bogus")).isEmpty();
    assertThatThrownBy(() -> EventType.fromWireName("bogus"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static EventEnvelope minimal(String workspace, String userId, String anonymousId) {
    return new EventEnvelope(
        "m",
        workspace,
        "src",
        EventType.TRACK,
        "E",
        null,
        null,
        userId,
        anonymousId,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }
}
