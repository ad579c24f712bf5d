package org.opencdp.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Published by the profile-service on {@link Topics#PROFILES_CHANGED} after a profile write that
 * changed one of the fields it carries, keyed by workspace + profile id. It carries the profile's
 * current state so that segmentation and activation can evaluate it without calling back, and the
 * names of the fields that changed so that they re-evaluate only what depends on them ({@code
 * traits.plan}, {@code computed.orders_30d}, {@code consent.marketing}, {@code identifiers}, {@code
 * suppressed}, {@code deleted}). Events are not named: they are on {@link Topics#EVENTS_RESOLVED},
 * and an event that changes none of these fields causes no ProfileChanged.
 *
 * @param version the profile document version after the write; consumers ignore older versions
 * @param deleted true when the profile was erased (privacy delete) or merged away
 */
public record ProfileChanged(
    String workspaceId,
    String profileId,
    long version,
    List<String> changedFields,
    Map<String, Object> traits,
    Map<String, Object> computedTraits,
    Map<String, Boolean> consent,
    List<Identifier> identifiers,
    String causingEventKey,
    Instant occurredAt,
    boolean deleted) {

  public String partitionKey() {
    return workspaceId + ":" + profileId;
  }
}
