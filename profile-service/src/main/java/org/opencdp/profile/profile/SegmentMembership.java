package org.opencdp.profile.profile;

import java.time.Instant;

/**
 * A profile's standing in one segment, as last reported by the segment-service. Exits are kept
 * (member=false) so that a late, older ENTERED cannot bring a segment back.
 */
public record SegmentMembership(
    String segmentId,
    String segmentName,
    long segmentVersion,
    boolean member,
    Instant enteredAt,
    Instant changedAt) {

  /** The newer of two standings (by the segment-service's decision time), for merges. */
  static SegmentMembership newer(SegmentMembership a, SegmentMembership b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    SegmentMembership later = b.changedAt.isAfter(a.changedAt) ? b : a;
    if (a.member && b.member) {
      Instant earliest = a.enteredAt.isBefore(b.enteredAt) ? a.enteredAt : b.enteredAt;
      return new SegmentMembership(
          later.segmentId,
          later.segmentName,
          later.segmentVersion,
          true,
          earliest,
          later.changedAt);
    }
    return later;
  }
}
