package org.opencdp.activation.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The header of a resolved event: an event that no campaign names is decided on its first fields
 * and the rest is not read; one that a campaign names is read to its profileId.
 */
class EventHeaderTest {
  private static final JsonFactory JSON = new JsonFactory();
  private static final String HEAD =
      "{\"messageId\":\"m-1\",\"workspaceId\":\"ws\",\"sourceId\":\"web\",\"type\":\"track\",";

  private final List<String> asked = new ArrayList<>();

  private boolean checkoutOnly(String workspaceId, String event) {
    asked.add(workspaceId + "/" + event);
    return event.equals("Checkout Started");
  }

  @Test
  void anEventNoCampaignNamesIsDecidedOnItsNameWithoutReadingTheRest() {
    // the rest is not even JSON: reading it would throw
    String payload = HEAD + "\"event\":\"Page Viewed\",\"properties\":{\"path\":";

    EventHeader header = EventHeader.read(JSON, payload, this::checkoutOnly);

    assertThat(header.named()).isFalse();
    assertThat(header.profileId()).isNull();
    assertThat(header.event()).isEqualTo("Page Viewed");
    assertThat(asked).containsExactly("ws/Page Viewed");
  }

  @Test
  void anEventACampaignNamesIsReadToItsProfileId() {
    String payload =
        HEAD
            + "\"event\":\"Checkout Started\",\"properties\":{\"items\":[{\"sku\":\"a\"}]},"
            + "\"context\":{\"ip\":\"203.0.113.1\"},\"profileId\":\"p-1\"}";

    EventHeader header = EventHeader.read(JSON, payload, this::checkoutOnly);

    assertThat(header.named()).isTrue();
    assertThat(header.profileId()).isEqualTo("p-1");
    assertThat(header.messageId()).isEqualTo("m-1");
  }

  @Test
  void fieldsInAnotherOrderAreStillFound() {
    String payload =
        "{\"profileId\":\"p-2\",\"event\":\"Checkout Started\",\"workspaceId\":\"ws\","
            + "\"messageId\":\"m-2\"}";

    EventHeader header = EventHeader.read(JSON, payload, this::checkoutOnly);

    assertThat(header.named()).isTrue();
    assertThat(header.profileId()).isEqualTo("p-2");
  }

  @Test
  void aNamedEventWithAMalformedRestOrWithoutMessageIdIsPoison() {
    assertThatThrownBy(
            () ->
                EventHeader.read(
                    JSON,
                    HEAD + "\"event\":\"Checkout Started\",\"properties\":{\"path\":",
                    this::checkoutOnly))
        .isInstanceOf(KeyedBatch.PoisonMessage.class);
    assertThatThrownBy(
            () ->
                EventHeader.read(
                    JSON,
                    "{\"workspaceId\":\"ws\",\"event\":\"Page Viewed\",\"profileId\":\"p\"}",
                    this::checkoutOnly))
        .isInstanceOf(KeyedBatch.PoisonMessage.class);
  }
}
