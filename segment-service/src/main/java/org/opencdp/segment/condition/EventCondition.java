package org.opencdp.segment.condition;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Performed (or not) event {@code event}, counting occurrences whose properties match every filter
 * of {@code where}, in the last {@code withinLastDays} days or between {@code from} (inclusive) and
 * {@code to} (exclusive), at least {@code atLeast} and at most {@code atMost} times.
 */
public record EventCondition(
    String event,
    boolean performed,
    List<PropertyFilter> where,
    int atLeast,
    Integer atMost,
    Integer withinLastDays,
    Instant from,
    Instant to)
    implements Condition {

  public record PropertyFilter(List<String> path, ValuePredicate predicate) {}

  @Override
  public Verdict evaluate(Facts facts, Instant now) {
    long windowStart =
        withinLastDays == null ? Long.MIN_VALUE : now.toEpochMilli() - days(withinLastDays);
    long count = 0;
    long oldestInWindow = Long.MAX_VALUE;
    for (Occurrence o : facts.occurrences(event)) {
      if (o.at() < windowStart
          || (from != null && o.at() < from.toEpochMilli())
          || (to != null && o.at() >= to.toEpochMilli())
          || !matches(o, now)) {
        continue;
      }
      count++;
      oldestInWindow = Math.min(oldestInWindow, o.at());
    }
    boolean holds =
        performed ? count >= atLeast && (atMost == null || count <= atMost) : count == 0;
    Instant next = null;
    if (withinLastDays != null && count > 0) {
      // the count drops when the oldest counted occurrence leaves the window
      next = Instant.ofEpochMilli(oldestInWindow + days(withinLastDays) + 1);
    }
    return new Verdict(holds, next);
  }

  private boolean matches(Occurrence o, Instant now) {
    for (PropertyFilter filter : where) {
      if (!filter
          .predicate()
          .test(ValueCondition.lookup(o.properties(), filter.path()), now)
          .matches()) {
        return false;
      }
    }
    return true;
  }

  private static long days(int n) {
    return Duration.ofDays(n).toMillis();
  }

  @Override
  public void dependencies(Set<String> into) {
    into.add("events." + event);
  }

  @Override
  public boolean timeDependent() {
    return withinLastDays != null;
  }
}
