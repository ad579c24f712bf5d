package org.opencdp.segment.evaluation;

import org.opencdp.segment.profile.ProfileState;
import org.opencdp.segment.profile.ProfileStateEntity;

/**
 * A profile row locked by the current transaction, with its decoded state. {@code stored}: the row
 * exists in PostgreSQL (else it is inserted when written). {@code written}: an earlier input of the
 * same transaction changed it, so later inputs see it as known, exactly as they would have after
 * that input's own commit.
 */
final class LockedProfile {
  final ProfileStateEntity row;
  final ProfileState state;
  final boolean stored;
  boolean written;

  LockedProfile(ProfileStateEntity row, ProfileState state, boolean stored) {
    this.row = row;
    this.state = state;
    this.stored = stored;
  }

  /** Unknown to this service before this input. */
  boolean isNew() {
    return !stored && !written;
  }
}
