package org.opencdp.identity.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.util.Objects;

/** An identifier type a workspace declares: priority (1 = highest), per-profile limit. */
@Entity
@Table(
    name = "identity_type_rule",
    uniqueConstraints =
        @UniqueConstraint(
            name = "uq_type_rule_ws_type",
            columnNames = {"workspace_id", "type"}))
public class TypeRuleEntity {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "workspace_id", nullable = false, length = 128)
  public String workspaceId;

  @Column(nullable = false, length = 64)
  public String type;

  @Column(nullable = false)
  public int priority;

  @Column(name = "max_per_profile", nullable = false)
  public int maxPerProfile;

  /** For custom types: the trait key read from traits and context.traits. */
  @Column(name = "trait_key", length = 128)
  public String traitKey;

  @Override
  public boolean equals(Object other) {
    return other instanceof TypeRuleEntity row && id != null && id.equals(row.id);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(id);
  }
}
