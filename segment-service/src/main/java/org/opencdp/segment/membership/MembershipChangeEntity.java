package org.opencdp.segment.membership;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Objects;
import org.opencdp.contracts.SegmentMembershipChanged;

/**
 * Enter/exit history, and the outbox of {@code cdp.segments.membership}: written in the same
 * transaction as the membership itself, {@code published} once Kafka acknowledged it.
 */
@Entity
@Table(
    name = "membership_change",
    indexes = {
      @Index(name = "membership_change_segment", columnList = "workspaceId,segmentId,occurredAt"),
      @Index(name = "membership_change_profile", columnList = "workspaceId,profileId,occurredAt"),
      @Index(name = "membership_change_unpublished", columnList = "published,recordedAt")
    })
public class MembershipChangeEntity {
  @Id public String changeId;

  @Column(nullable = false)
  public String workspaceId;

  @Column(nullable = false)
  public String profileId;

  @Column(nullable = false)
  public String segmentId;

  public String segmentName;
  public long segmentVersion;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  public SegmentMembershipChanged.Kind kind;

  @Column(length = 500)
  public String reason;

  /** Business time (the service clock). */
  public Instant occurredAt;

  /** Wall-clock time of the write, for the outbox relay. */
  public Instant recordedAt;

  public boolean published;

  public SegmentMembershipChanged toMessage() {
    return new SegmentMembershipChanged(
        changeId,
        workspaceId,
        profileId,
        segmentId,
        segmentName,
        segmentVersion,
        kind,
        reason,
        occurredAt);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MembershipChangeEntity other
        && changeId != null
        && changeId.equals(other.changeId);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(changeId);
  }
}
