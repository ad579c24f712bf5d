package org.opencdp.identity.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Objects;

/** One profile of the graph. A merged profile stays as a tombstone that points to its survivor. */
@Entity
@Table(
    name = "identity_profile",
    indexes = @Index(name = "ix_profile_ws_merged_into", columnList = "workspace_id,merged_into"))
public class ProfileEntity {
  public static final String ACTIVE = "ACTIVE";
  public static final String MERGED = "MERGED";

  @Id
  @Column(length = 36)
  public String id;

  @Column(name = "workspace_id", nullable = false, length = 128)
  public String workspaceId;

  @Column(nullable = false, length = 16)
  public String status;

  @Column(name = "merged_into", length = 36)
  public String mergedInto;

  @Column(name = "identifier_count", nullable = false)
  public int identifierCount;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  @Override
  public boolean equals(Object other) {
    return other instanceof ProfileEntity profile && id != null && id.equals(profile.id);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(id);
  }
}
