package org.opencdp.ingestion.source;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A tenant. Every other record of the gateway belongs to exactly one. */
@Entity
@Table(name = "workspace")
public class Workspace {
  @Id public String id;

  @Column(nullable = false)
  public String name;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;
}
