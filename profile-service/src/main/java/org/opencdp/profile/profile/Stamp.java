package org.opencdp.profile.profile;

import java.time.Instant;

/**
 * A value with its provenance: the source that sent it, the event that carried it and that event's
 * time. Last-write-wins compares event time, then event key, so the result never depends on arrival
 * order.
 */
public record Stamp(Object value, String source, String eventKey, Instant at) {

  public boolean supersedes(Stamp other) {
    if (other == null) {
      return true;
    }
    int c = at.compareTo(other.at);
    if (c != 0) {
      return c > 0;
    }
    return eventKey.compareTo(other.eventKey) > 0;
  }
}
