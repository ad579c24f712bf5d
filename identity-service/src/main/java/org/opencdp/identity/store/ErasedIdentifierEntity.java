package org.opencdp.identity.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Objects;

/**
 * An identifier erased by a privacy request, remembered for {@code cdp.identity.erased-retention}
 * only as the keyed hash of (workspace, type, value): events of the person accepted before the
 * erasure but resolved after it are recognised without keeping the value. Also the data-free record
 * of those late events (how many, the last one).
 */
@Entity
@Table(
    name = "identity_erased_identifier",
    indexes = @Index(name = "ix_erased_time", columnList = "erased_at"))
public class ErasedIdentifierEntity {
  /** HMAC-SHA256 hex of workspace, type and value (the workspace is part of the hash). */
  @Id
  @Column(name = "identifier_hash", length = 64)
  public String identifierHash;

  @Column(name = "workspace_id", nullable = false, length = 128)
  public String workspaceId;

  /** The database clock when the erasure committed its statements. */
  @Column(name = "erased_at", nullable = false)
  public Instant erasedAt;

  @Column(name = "request_id", nullable = false, length = 128)
  public String requestId;

  /**
   * Events received before the erasure that named this identifier and were kept from linking it.
   */
  @Column(name = "late_events", nullable = false)
  public int lateEvents;

  @Column(name = "last_late_event_at")
  public Instant lastLateEventAt;

  @Override
  public boolean equals(Object other) {
    return other instanceof ErasedIdentifierEntity row
        && identifierHash != null
        && identifierHash.equals(row.identifierHash);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(identifierHash);
  }
}
