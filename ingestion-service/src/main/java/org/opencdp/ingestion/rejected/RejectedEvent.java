package org.opencdp.ingestion.rejected;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;

/** An event refused by validation or a tracking plan, kept with its reason for operators. */
@Entity
@Table(
    name = "rejected_event",
    indexes = @Index(name = "rejected_by_workspace", columnList = "workspace_id, received_at"))
public class RejectedEvent {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "workspace_id", nullable = false)
  public String workspaceId;

  @Column(name = "source_id", nullable = false)
  public String sourceId;

  @Column(name = "received_at", nullable = false)
  public Instant receivedAt;

  @Column(name = "message_id")
  public String messageId;

  @Column(nullable = false, columnDefinition = "text")
  public String reason;

  /** The message as sent, truncated to the event size limit; null when it was not an object. */
  @Column(columnDefinition = "text")
  public String payload;
}
