package org.opencdp.segment.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.opencdp.segment.condition.Occurrence;

/** The rule for keeping occurrences of one event name: distinct ids, newest {@code max}. */
final class KeptOccurrences {
  private KeptOccurrences() {}

  /**
   * Adds {@code occurrence} to {@code events} unless one with the same id is kept; keeps the newest
   * {@code max} and drops those older than {@code oldest}. Returns false for a duplicate.
   */
  static boolean add(
      Map<String, List<Occurrence>> events,
      String event,
      Occurrence occurrence,
      int max,
      long oldest) {
    List<Occurrence> kept = new ArrayList<>(events.getOrDefault(event, List.of()));
    for (Occurrence o : kept) {
      if (o.id().equals(occurrence.id())) {
        return false;
      }
    }
    kept.add(occurrence);
    kept.removeIf(o -> o.at() < oldest);
    kept.sort((a, b) -> Long.compare(a.at(), b.at()));
    if (kept.size() > max) {
      kept = new ArrayList<>(kept.subList(kept.size() - max, kept.size()));
    }
    events.put(event, kept);
    return true;
  }
}
