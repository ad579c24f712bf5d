package org.opencdp.ingestion.deliveries;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.opencdp.contracts.DeliveryResult;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.EventType;
import org.opencdp.ingestion.dedup.Deduplicator;

/**
 * Turns what happened to a message ("Email Opened", "Webhook Delivered", "Sms Failed") into a track
 * event on the person's profile, so that profiles and segments see activation results ("did not
 * open the last email"). The profile is already known, so the event goes straight to {@code
 * cdp.events.resolved}; an unsubscribe also carries the consent refusal the profile must record.
 */
@ApplicationScoped
class DeliveryResultEvents {
  static final String SOURCE_ID = "activation";

  private final ObjectMapper mapper;
  private final MutinyEmitter<EventEnvelope> resolved;
  private final Deduplicator deduplicator;
  private final Clock clock = Clock.systemUTC();

  DeliveryResultEvents(
      ObjectMapper mapper,
      @Channel("events-resolved") MutinyEmitter<EventEnvelope> resolved,
      Deduplicator deduplicator) {
    this.mapper = mapper;
    this.resolved = resolved;
    this.deduplicator = deduplicator;
  }

  /**
   * Commits the offset only after Kafka acknowledged the event (at-least-once, dedup by result id).
   */
  @Incoming("deliveries")
  Uni<Void> onResult(String json) throws Exception {
    DeliveryResult result = mapper.readValue(json, DeliveryResult.class);
    if (result.workspaceId() == null || result.profileId() == null || result.resultId() == null) {
      throw new IllegalArgumentException("delivery result without workspace, profile or result id");
    }
    EventEnvelope event = toEvent(result);
    return deduplicator
        .alreadySeen(event.workspaceId(), java.util.List.of(event.messageId()))
        .flatMap(
            seen ->
                seen.isEmpty()
                    ? resolved
                        .sendMessage(
                            Message.of(event)
                                .addMetadata(
                                    OutgoingKafkaRecordMetadata.<String>builder()
                                        .withKey(event.workspaceId() + ":" + event.profileId())
                                        .build()))
                        .call(
                            () ->
                                deduplicator.markSeen(
                                    event.workspaceId(), java.util.List.of(event.messageId())))
                    : Uni.createFrom().voidItem());
  }

  EventEnvelope toEvent(DeliveryResult result) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("campaignId", result.campaignId());
    properties.put("deliveryId", result.deliveryId());
    properties.put("destinationId", result.destinationId());
    properties.put("channel", result.channel());
    properties.put("status", result.status().name());
    if (result.detail() != null) {
      properties.put("detail", result.detail());
    }
    if (result.url() != null) {
      properties.put("url", result.url());
    }
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("library", Map.of("name", "opencdp-activation"));
    if (result.status() == DeliveryResult.Status.UNSUBSCRIBED && result.consentCategory() != null) {
      context.put(
          "consent", Map.of("categoryPreferences", Map.of(result.consentCategory(), false)));
    }
    return new EventEnvelope(
        "delivery-" + result.resultId(),
        result.workspaceId(),
        SOURCE_ID,
        EventType.TRACK,
        eventName(result),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        properties,
        context,
        null,
        result.occurredAt(),
        result.occurredAt(),
        null,
        clock.instant(),
        null,
        result.profileId());
  }

  /** "Email Opened", "Webhook Delivered", "Sms Unsubscribed". */
  static String eventName(DeliveryResult result) {
    String channel = result.channel() == null ? "message" : result.channel();
    String status = result.status().name().toLowerCase(Locale.ROOT);
    return capitalize(channel) + " " + capitalize(status);
  }

  private static String capitalize(String word) {
    return word.isEmpty() ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1);
  }
}
