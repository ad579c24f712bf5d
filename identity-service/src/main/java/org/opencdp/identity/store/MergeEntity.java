package org.opencdp.identity.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Objects;

/**
 * One merge: {@code mergedProfileId} was folded into {@code survivorProfileId}. The identifiers
 * that moved are in {@link MergeIdentifierEntity}, which is what makes the merge undoable. The id
 * is also the {@code changeId} of the MERGED message.
 */
@Entity
@Table(
    name = "identity_merge",
    indexes = {
      @Index(name = "ix_merge_ws_survivor", columnList = "workspace_id,survivor_profile_id"),
      @Index(name = "ix_merge_ws_merged", columnList = "workspace_id,merged_profile_id"),
      @Index(name = "ix_merge_ws_event", columnList = "workspace_id,causing_event_key")
    })
public class MergeEntity {
  @Id
  @Column(length = 36)
  public String id;

  @Column(name = "workspace_id", nullable = false, length = 128)
  public String workspaceId;

  @Column(name = "survivor_profile_id", nullable = false, length = 36)
  public String survivorProfileId;

  @Column(name = "merged_profile_id", nullable = false, length = 36)
  public String mergedProfileId;

  @Column(nullable = false, length = 64)
  public String reason;

  @Column(name = "causing_event_key", length = 400)
  public String causingEventKey;

  @Column(name = "occurred_at", nullable = false)
  public Instant occurredAt;

  @Column(name = "undone_at")
  public Instant undoneAt;

  @Column(name = "undo_change_id", length = 36)
  public String undoChangeId;

  @Override
  public boolean equals(Object other) {
    return other instanceof MergeEntity merge && id != null && id.equals(merge.id);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(id);
  }
}
