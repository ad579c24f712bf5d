package org.opencdp.segment.condition;

import java.time.Instant;

/**
 * The result of a condition at one instant: whether it holds and, for time-dependent conditions,
 * the earliest later instant at which the answer may change without any new data (null if never).
 */
public record Verdict(boolean matches, Instant nextChange) {
  static final Verdict TRUE = new Verdict(true, null);
  static final Verdict FALSE = new Verdict(false, null);

  static Verdict of(boolean matches) {
    return matches ? TRUE : FALSE;
  }

  static Instant earliest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.isBefore(b) ? a : b;
  }
}
