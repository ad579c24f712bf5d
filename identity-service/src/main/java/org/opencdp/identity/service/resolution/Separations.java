package org.opencdp.identity.service.resolution;

import java.util.HashMap;
import java.util.Map;

/** Pairs of profiles an operator split apart (see {@code SplitEntity}), with the split's id. */
public final class Separations {
  private final Map<String, Map<String, String>> splitIds = new HashMap<>();

  public void add(String profileA, String profileB, String splitId) {
    splitIds.computeIfAbsent(profileA, p -> new HashMap<>()).put(profileB, splitId);
    splitIds.computeIfAbsent(profileB, p -> new HashMap<>()).put(profileA, splitId);
  }

  /** The id of a split between the two profiles, or null when they may be joined. */
  public String between(String profileA, String profileB) {
    return splitIds.getOrDefault(profileA, Map.of()).get(profileB);
  }

  public boolean isEmpty() {
    return splitIds.isEmpty();
  }
}
