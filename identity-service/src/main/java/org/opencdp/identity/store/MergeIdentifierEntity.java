package org.opencdp.identity.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.util.Objects;

/** Provenance of a merge: one identifier that moved from the merged profile to the survivor. */
@Entity
@Table(
    name = "identity_merge_identifier",
    indexes = @Index(name = "ix_merge_identifier_merge", columnList = "merge_id"))
public class MergeIdentifierEntity {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "merge_id", nullable = false, length = 36)
  public String mergeId;

  @Column(name = "workspace_id", nullable = false, length = 128)
  public String workspaceId;

  @Column(nullable = false, length = 64)
  public String type;

  @Column(nullable = false, length = 512)
  public String value;

  @Override
  public boolean equals(Object other) {
    return other instanceof MergeIdentifierEntity row && id != null && id.equals(row.id);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(id);
  }
}
