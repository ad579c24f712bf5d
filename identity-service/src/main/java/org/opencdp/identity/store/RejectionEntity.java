package org.opencdp.identity.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Objects;

/** A resolution-rule decision: an identifier of an event that was not linked, and why. */
@Entity
@Table(
    name = "identity_rejection",
    indexes = @Index(name = "ix_rejection_ws_time", columnList = "workspace_id,occurred_at"))
public class RejectionEntity {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "workspace_id", nullable = false, length = 128)
  public String workspaceId;

  @Column(name = "event_key", nullable = false, length = 400)
  public String eventKey;

  @Column(nullable = false, length = 64)
  public String type;

  @Column(nullable = false, length = 512)
  public String value;

  /** BLOCKED, LIMIT, SPLIT or INVALID. */
  @Column(nullable = false, length = 16)
  public String rule;

  @Column(nullable = false, length = 400)
  public String detail;

  @Column(name = "profile_id", length = 36)
  public String profileId;

  @Column(name = "occurred_at", nullable = false)
  public Instant occurredAt;

  @Override
  public boolean equals(Object other) {
    return other instanceof RejectionEntity row && id != null && id.equals(row.id);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(id);
  }
}
