package org.opencdp.identity.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;
import java.util.Objects;

/**
 * One identifier of the graph: (workspace, type, value) belongs to exactly one profile, enforced by
 * the unique constraint. {@code originProfileId} and {@code eventKey} are the provenance: the
 * profile it was first attached to and the event that brought it.
 */
@Entity
@Table(
    name = "identity_identifier",
    uniqueConstraints =
        @UniqueConstraint(
            name = "uq_identifier_ws_type_value",
            columnNames = {"workspace_id", "type", "value"}),
    indexes =
        @Index(name = "ix_identifier_ws_profile_type", columnList = "workspace_id,profile_id,type"))
public class IdentifierEntity {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "workspace_id", nullable = false, length = 128)
  public String workspaceId;

  @Column(nullable = false, length = 64)
  public String type;

  @Column(nullable = false, length = 512)
  public String value;

  @Column(name = "profile_id", nullable = false, length = 36)
  public String profileId;

  @Column(name = "origin_profile_id", nullable = false, length = 36)
  public String originProfileId;

  @Column(name = "event_key", length = 400)
  public String eventKey;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Override
  public boolean equals(Object other) {
    return other instanceof IdentifierEntity identifier && id != null && id.equals(identifier.id);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(id);
  }
}
