package org.opencdp.ingestion.source;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A source's write key, stored only as its SHA-256; the plain key is shown once at creation. */
@Entity
@Table(name = "write_key")
public class WriteKey {
  @Id
  @Column(name = "key_hash")
  public String keyHash;

  @Column(name = "workspace_id", nullable = false)
  public String workspaceId;

  @Column(name = "source_id", nullable = false)
  public String sourceId;

  /** The first characters of the key, so an operator can tell keys apart. */
  @Column(nullable = false)
  public String hint;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;
}
