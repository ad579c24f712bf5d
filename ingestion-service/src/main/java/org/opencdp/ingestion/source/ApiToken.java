package org.opencdp.ingestion.source;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A bearer token for the management API, scoped to one workspace, stored only as its SHA-256. */
@Entity
@Table(name = "api_token")
public class ApiToken {
  @Id
  @Column(name = "token_hash")
  public String tokenHash;

  @Column(name = "workspace_id", nullable = false)
  public String workspaceId;

  @Column(nullable = false)
  public String name;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;
}
