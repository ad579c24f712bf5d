package org.opencdp.ingestion.tracking;

import java.util.Optional;
import org.opencdp.contracts.EventType;

/** Which Segment endpoint was called: one of the six single calls, or a batch. */
record TrackingCall(EventType type) {
  static final TrackingCall BATCH = new TrackingCall(null);

  boolean isBatch() {
    return type == null;
  }

  static Optional<TrackingCall> single(String pathSegment) {
    return EventType.parse(pathSegment).map(TrackingCall::new);
  }
}
