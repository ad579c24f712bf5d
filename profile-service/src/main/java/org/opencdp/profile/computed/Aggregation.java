package org.opencdp.profile.computed;

/** How a computed trait folds an event property. */
public enum Aggregation {
  COUNT,
  SUM,
  MIN,
  MAX,
  AVG,
  FIRST,
  LAST,
  MOST_FREQUENT
}
