package org.opencdp.contracts;

import java.time.Instant;

/**
 * Published by the segment-service on {@link Topics#SEGMENTS_MEMBERSHIP} when a profile enters or
 * exits a segment, keyed by workspace + profile id (so a profile's membership changes stay in order
 * per partition).
 *
 * @param changeId unique id of this membership change, consumers dedup on it
 * @param segmentVersion the segment definition version that produced the change
 * @param reason why it happened, e.g. {@code profile changed: traits.plan}, {@code time window
 *     elapsed}, {@code backfill}, {@code profile deleted}, {@code merged into <id>}, {@code segment
 *     deleted}; never personal data
 * @param occurredAt when the segment-service decided the change (its clock)
 */
public record SegmentMembershipChanged(
    String changeId,
    String workspaceId,
    String profileId,
    String segmentId,
    String segmentName,
    long segmentVersion,
    Kind kind,
    String reason,
    Instant occurredAt) {

  public enum Kind {
    ENTERED,
    EXITED
  }

  public String partitionKey() {
    return workspaceId + ":" + profileId;
  }
}
