package org.opencdp.identity.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Objects;

/** Idempotency: an event (workspace + messageId) already resolved, and the profile it got. */
@Entity
@Table(
    name = "identity_processed_event",
    indexes = @Index(name = "ix_processed_time", columnList = "processed_at"))
public class ProcessedEventEntity {
  /** {@code EventEnvelope.eventKey()}. */
  @Id
  @Column(name = "event_key", length = 400)
  public String eventKey;

  @Column(name = "workspace_id", nullable = false, length = 128)
  public String workspaceId;

  @Column(name = "profile_id", nullable = false, length = 36)
  public String profileId;

  @Column(name = "processed_at", nullable = false)
  public Instant processedAt;

  @Override
  public boolean equals(Object other) {
    return other instanceof ProcessedEventEntity row
        && eventKey != null
        && eventKey.equals(row.eventKey);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(eventKey);
  }
}
