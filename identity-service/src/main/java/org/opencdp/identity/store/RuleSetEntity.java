package org.opencdp.identity.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Objects;

/** Marks that a workspace has its own resolution rules (otherwise the defaults apply). */
@Entity
@Table(name = "identity_rule_set")
public class RuleSetEntity {
  @Id
  @Column(name = "workspace_id", length = 128)
  public String workspaceId;

  /** Priority of identifier types the workspace did not declare (e.g. from externalIds). */
  @Column(name = "default_priority", nullable = false)
  public int defaultPriority;

  /** Per-profile limit of identifier types the workspace did not declare. */
  @Column(name = "default_limit", nullable = false)
  public int defaultLimit;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  @Override
  public boolean equals(Object other) {
    return other instanceof RuleSetEntity row
        && workspaceId != null
        && workspaceId.equals(row.workspaceId);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(workspaceId);
  }
}
