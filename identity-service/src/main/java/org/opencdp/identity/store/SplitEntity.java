package org.opencdp.identity.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Objects;

/**
 * An operator's decision that two profiles are different people: resolution never joins them again
 * (an event that would is linked to one side only, and the identifier that would have joined the
 * other side is rejected with rule SPLIT). Created by a detach (the profile and the new profile of
 * the detached identifier) or an undone merge (the survivor and the restored profile).
 *
 * <p>{@code profileA}/{@code profileB} always name active profiles: when one side is merged into a
 * third profile, the split moves to that survivor in the same transaction, so the check on the
 * resolution path is one indexed lookup among the profiles an event would join. The origin columns
 * keep the profiles as the operator saw them. Lifting a split keeps the row (audit).
 */
@Entity
@Table(
    name = "identity_split",
    indexes = {
      @Index(name = "ix_split_ws_a", columnList = "workspace_id,profile_a"),
      @Index(name = "ix_split_ws_b", columnList = "workspace_id,profile_b"),
      @Index(name = "ix_split_ws_time", columnList = "workspace_id,created_at")
    })
public class SplitEntity {
  public static final String DETACH = "DETACH";
  public static final String UNDO_MERGE = "UNDO_MERGE";

  @Id
  @Column(length = 36)
  public String id;

  @Column(name = "workspace_id", nullable = false, length = 128)
  public String workspaceId;

  @Column(name = "profile_a", nullable = false, length = 36)
  public String profileA;

  @Column(name = "profile_b", nullable = false, length = 36)
  public String profileB;

  @Column(name = "origin_profile_a", nullable = false, length = 36)
  public String originProfileA;

  @Column(name = "origin_profile_b", nullable = false, length = 36)
  public String originProfileB;

  /** DETACH or UNDO_MERGE. */
  @Column(nullable = false, length = 16)
  public String cause;

  /** The detached identifier (DETACH only). */
  @Column(name = "identifier_type", length = 64)
  public String identifierType;

  @Column(name = "identifier_value", length = 512)
  public String identifierValue;

  /** The undone merge (UNDO_MERGE only). */
  @Column(name = "merge_id", length = 36)
  public String mergeId;

  /** The changeId of the IDENTIFIER_DETACHED or UNMERGED message. */
  @Column(name = "change_id", nullable = false, length = 36)
  public String changeId;

  @Column(length = 500)
  public String reason;

  @Column(nullable = false, length = 64)
  public String actor;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "lifted_at")
  public Instant liftedAt;

  @Column(name = "lifted_by", length = 64)
  public String liftedBy;

  @Column(name = "lift_reason", length = 500)
  public String liftReason;

  @Override
  public boolean equals(Object other) {
    return other instanceof SplitEntity split && id != null && id.equals(split.id);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(id);
  }
}
