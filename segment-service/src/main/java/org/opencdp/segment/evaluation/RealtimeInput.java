package org.opencdp.segment.evaluation;

import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.ProfileChanged;

/** One real-time input of a profile: a new snapshot or a resolved event. */
public sealed interface RealtimeInput permits RealtimeInput.Change, RealtimeInput.Event {
  String workspaceId();

  String profileId();

  /** A {@code cdp.profiles.changed} snapshot. */
  record Change(ProfileChanged message) implements RealtimeInput {
    @Override
    public String workspaceId() {
      return message.workspaceId();
    }

    @Override
    public String profileId() {
      return message.profileId();
    }
  }

  /** A {@code cdp.events.resolved} event. */
  record Event(EventEnvelope event) implements RealtimeInput {
    @Override
    public String workspaceId() {
      return event.workspaceId();
    }

    @Override
    public String profileId() {
      return event.profileId();
    }
  }
}
