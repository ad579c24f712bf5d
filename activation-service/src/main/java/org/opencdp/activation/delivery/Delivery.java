package org.opencdp.activation.delivery;

import java.time.Instant;
import org.opencdp.activation.destination.DestinationType;

/**
 * One message to one person on one destination, as a worker handles it.
 *
 * @param leaseUntil wall-clock end of this worker's claim; a stale copy is dropped
 */
public record Delivery(
    String id,
    String workspaceId,
    String campaignId,
    String destinationId,
    String profileId,
    DestinationType type,
    String consentCategory,
    String idempotencyKey,
    int attempts,
    Message message,
    Instant leaseUntil) {}
