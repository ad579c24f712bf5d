package org.opencdp.contracts;

import java.time.Instant;

/**
 * Published by the activation-service on {@link Topics#DELIVERIES}, keyed by workspace + profile
 * id: what happened to one message sent to one person, so the gateway can turn it into an event on
 * the profile ("Email Opened", "SMS Delivered") and segments can use it ("did not open").
 *
 * <ul>
 *   <li>{@code SENT}: accepted by the channel's provider (SMTP server, SMS API).
 *   <li>{@code DELIVERED}: confirmed by the receiver (webhook 2xx, Kafka ack, audience API 2xx, SMS
 *       provider status callback).
 *   <li>{@code FAILED}: given up after the retries; the delivery is in the dead-letter table.
 *   <li>{@code SKIPPED}: not sent on purpose (no consent, frequency cap, missing template value).
 *   <li>{@code OPENED} / {@code CLICKED}: the tracking pixel was loaded / a tracked link followed.
 *   <li>{@code UNSUBSCRIBED}: the person refused {@code consentCategory} through the unsubscribe
 *       link; the platform must record {@code consent.<consentCategory> = false} on the profile.
 * </ul>
 *
 * @param resultId unique id of this result, consumers dedup on it
 * @param deliveryId the delivery (one message to one person on one destination)
 * @param channel {@code webhook}, {@code email}, {@code sms}, {@code kafka} or {@code audience}
 * @param detail a short reason for FAILED and SKIPPED; never personal data
 * @param url the link target for CLICKED, else null
 */
public record DeliveryResult(
    String resultId,
    String workspaceId,
    String profileId,
    String campaignId,
    String deliveryId,
    String destinationId,
    String channel,
    Status status,
    String detail,
    String url,
    String consentCategory,
    Instant occurredAt) {

  public enum Status {
    SENT,
    DELIVERED,
    FAILED,
    SKIPPED,
    OPENED,
    CLICKED,
    UNSUBSCRIBED
  }

  public String partitionKey() {
    return workspaceId + ":" + profileId;
  }
}
