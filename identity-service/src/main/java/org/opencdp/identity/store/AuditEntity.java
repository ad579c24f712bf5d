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

/** Audit trail of manual graph and rule changes made through the API. */
@Entity
@Table(
    name = "identity_audit",
    indexes = @Index(name = "ix_audit_ws_time", columnList = "workspace_id,occurred_at"))
public class AuditEntity {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "workspace_id", nullable = false, length = 128)
  public String workspaceId;

  /** DETACH_IDENTIFIER, UNDO_MERGE, LIFT_SPLIT, RULES_REPLACED, RULES_RESET. */
  @Column(nullable = false, length = 32)
  public String action;

  /** Fingerprint of the token that made the call (never the token). */
  @Column(nullable = false, length = 64)
  public String actor;

  @Column(nullable = false, length = 200)
  public String target;

  @Column(length = 500)
  public String reason;

  @Column(name = "change_id", length = 36)
  public String changeId;

  @Column(name = "occurred_at", nullable = false)
  public Instant occurredAt;

  @Override
  public boolean equals(Object other) {
    return other instanceof AuditEntity row && id != null && id.equals(row.id);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(id);
  }
}
