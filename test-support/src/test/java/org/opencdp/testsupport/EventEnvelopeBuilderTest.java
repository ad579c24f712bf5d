package org.opencdp.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.EventType;

class EventEnvelopeBuilderTest {

  @Test
  void defaultsGiveAFreshMessageIdTheTestWorkspaceAndOneInstantForAllTimestamps() {
    EventEnvelope first = EventEnvelopeBuilder.identify().build();
    EventEnvelope second = EventEnvelopeBuilder.identify().build();

    assertThat(first.messageId()).isNotBlank().isNotEqualTo(second.messageId());
    assertThat(first.workspaceId()).isEqualTo(EventEnvelopeBuilder.WORKSPACE);
    assertThat(first.sourceId()).isEqualTo(EventEnvelopeBuilder.SOURCE);
    assertThat(first.type()).isEqualTo(EventType.IDENTIFY);
    assertThat(first.timestamp())
        .isNotNull()
        .isEqualTo(first.originalTimestamp())
        .isEqualTo(first.sentAt())
        .isEqualTo(first.receivedAt());
    assertThat(first.event()).isNull();
    assertThat(first.userId()).isNull();
    assertThat(first.profileId()).isNull();
  }

  @Test
  void putsEveryFieldInItsOwnPosition() {
    Instant happened = Instant.parse("2026-01-01T10:00:00Z");
    Instant sent = Instant.parse("2026-01-01T10:00:01Z");
    Instant received = Instant.parse("2026-01-01T10:00:02Z");
    Instant corrected = Instant.parse("2026-01-01T10:00:03Z");

    EventEnvelope built =
        EventEnvelopeBuilder.track("Order Completed")
            .messageId("m-1")
            .workspaceId("ws-1")
            .sourceId("web")
            .name("n")
            .category("c")
            .userId("u-1")
            .anonymousId("a-1")
            .groupId("g-1")
            .previousId("prev-1")
            .traits(Map.of("t", 1))
            .properties(Map.of("p", 2))
            .context(Map.of("c", 3))
            .integrations(Map.of("i", 4))
            .timestamp(corrected)
            .originalTimestamp(happened)
            .sentAt(sent)
            .receivedAt(received)
            .violations(List.of("v"))
            .profileId("p-1")
            .build();

    assertThat(built)
        .isEqualTo(
            new EventEnvelope(
                "m-1",
                "ws-1",
                "web",
                EventType.TRACK,
                "Order Completed",
                "n",
                "c",
                "u-1",
                "a-1",
                "g-1",
                "prev-1",
                Map.of("t", 1),
                Map.of("p", 2),
                Map.of("c", 3),
                Map.of("i", 4),
                corrected,
                happened,
                sent,
                received,
                List.of("v"),
                "p-1"));
  }

  @Test
  void copyOfKeepsEveryFieldAndChangesOnlyWhatIsSet() {
    EventEnvelope original =
        EventEnvelopeBuilder.track("Viewed")
            .workspaceId("ws-1")
            .userId("u-1")
            .anonymousId("a-1")
            .properties(Map.of("path", "/"))
            .violations(List.of("v"))
            .profileId("p-1")
            .build();

    assertThat(EventEnvelopeBuilder.copyOf(original).build()).isEqualTo(original);
    assertThat(EventEnvelopeBuilder.copyOf(original).messageId(null).build())
        .usingRecursiveComparison()
        .ignoringFields("messageId")
        .isEqualTo(original);
    assertThat(EventEnvelopeBuilder.copyOf(original).messageId(null).build().messageId()).isNull();
  }
}
