package org.opencdp.identity.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.util.Objects;

/** A value pattern (Java regex, full match, case-insensitive) never used to link profiles. */
@Entity
@Table(
    name = "identity_blocked_pattern",
    indexes = @Index(name = "ix_blocked_ws", columnList = "workspace_id"))
public class BlockedPatternEntity {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "workspace_id", nullable = false, length = 128)
  public String workspaceId;

  /** Identifier type the pattern applies to, null for every type. */
  @Column(length = 64)
  public String type;

  @Column(nullable = false, length = 256)
  public String pattern;

  @Override
  public boolean equals(Object other) {
    return other instanceof BlockedPatternEntity row && id != null && id.equals(row.id);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(id);
  }
}
