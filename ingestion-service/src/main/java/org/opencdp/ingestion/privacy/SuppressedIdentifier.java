package org.opencdp.ingestion.privacy;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An identifier whose future events the gateway refuses, stored only as a keyed hash. */
@Entity
@Table(name = "suppressed_identifier")
public class SuppressedIdentifier {
  /** Keyed hash of workspace, identifier type and value. */
  @Id
  @Column(name = "identifier_hash")
  public String identifierHash;

  @Column(name = "workspace_id", nullable = false)
  public String workspaceId;

  @Column(name = "request_id", nullable = false)
  public String requestId;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;
}
