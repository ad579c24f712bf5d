package org.opencdp.contracts;

import java.time.Instant;
import java.util.List;

/**
 * Published by the identity-service on {@link Topics#IDENTITY_MERGES} when profiles are joined or
 * split, keyed by workspace + survivor profile id.
 *
 * <ul>
 *   <li>{@code MERGED}: {@code mergedProfileId} was folded into {@code survivorProfileId}; lookups
 *       by the old id must redirect to the survivor.
 *   <li>{@code UNMERGED}: a previous merge was undone; {@code identifiers} left the survivor and
 *       form {@code mergedProfileId} again, data must be split by identifier provenance.
 *   <li>{@code IDENTIFIER_DETACHED}: {@code identifiers} left {@code survivorProfileId} and now
 *       belong to the new profile {@code mergedProfileId}.
 * </ul>
 *
 * @param changeId unique id, consumers dedup on it
 * @param causingEventKey {@link EventEnvelope#eventKey()} of the event that caused it, null for API
 *     calls
 */
public record IdentityChange(
    String changeId,
    String workspaceId,
    Kind kind,
    String survivorProfileId,
    String mergedProfileId,
    List<Identifier> identifiers,
    String reason,
    String causingEventKey,
    Instant occurredAt) {

  public enum Kind {
    MERGED,
    UNMERGED,
    IDENTIFIER_DETACHED
  }

  public String partitionKey() {
    return workspaceId + ":" + survivorProfileId;
  }
}
