package org.opencdp.segment.condition;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a condition can look at: the latest profile snapshot, the event occurrences the service
 * keeps for the profile, and the segments the profile is currently in.
 */
public interface Facts {
  Map<String, Object> traits();

  Map<String, Object> computedTraits();

  Map<String, Boolean> consent();

  /** Occurrences of one event name, newest last; empty when none is kept. */
  List<Occurrence> occurrences(String event);

  Set<String> segments();
}
