package org.opencdp.segment.condition;

import java.util.Locale;
import java.util.Optional;

/** Comparison operators of trait, computed-trait and event-property conditions. */
public enum Op {
  EQUALS,
  NOT_EQUALS,
  IN,
  NOT_IN,
  CONTAINS,
  EXISTS,
  NOT_EXISTS,
  GT,
  GTE,
  LT,
  LTE,
  BEFORE,
  AFTER,
  WITHIN_LAST_DAYS,
  MORE_THAN_DAYS_AGO;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Op> parse(String value) {
    for (Op op : values()) {
      if (op.wireName().equals(value)) {
        return Optional.of(op);
      }
    }
    return Optional.empty();
  }

  /** Operators whose answer changes as time passes. */
  public boolean relative() {
    return this == WITHIN_LAST_DAYS || this == MORE_THAN_DAYS_AGO;
  }
}
