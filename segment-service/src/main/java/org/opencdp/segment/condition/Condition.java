package org.opencdp.segment.condition;

import java.time.Instant;
import java.util.Set;

/**
 * A segment condition (see the condition language in the README). Immutable and thread-safe; built
 * by {@link ConditionParser}.
 */
public sealed interface Condition
    permits Condition.All,
        Condition.Any,
        Condition.Not,
        ValueCondition,
        EventCondition,
        Condition.InSegment,
        Condition.Consent {

  Verdict evaluate(Facts facts, Instant now);

  /**
   * Adds the profile fields this condition reads, named as in {@code ProfileChanged.changedFields}
   * ({@code traits.plan}, {@code computed.orders_30d}, {@code consent.email}, {@code events.Order
   * Completed}), and {@code segment:<id>} for segment references.
   */
  void dependencies(Set<String> into);

  /** True when the answer can change with the passage of time alone. */
  boolean timeDependent();

  String SEGMENT_PREFIX = "segment:";

  record All(java.util.List<Condition> children) implements Condition {
    @Override
    public Verdict evaluate(Facts facts, Instant now) {
      boolean all = true;
      Instant next = null;
      for (Condition child : children) {
        Verdict v = child.evaluate(facts, now);
        all &= v.matches();
        next = Verdict.earliest(next, v.nextChange());
      }
      return new Verdict(all, next);
    }

    @Override
    public void dependencies(Set<String> into) {
      children.forEach(c -> c.dependencies(into));
    }

    @Override
    public boolean timeDependent() {
      return children.stream().anyMatch(Condition::timeDependent);
    }
  }

  record Any(java.util.List<Condition> children) implements Condition {
    @Override
    public Verdict evaluate(Facts facts, Instant now) {
      boolean any = false;
      Instant next = null;
      for (Condition child : children) {
        Verdict v = child.evaluate(facts, now);
        any |= v.matches();
        next = Verdict.earliest(next, v.nextChange());
      }
      return new Verdict(any, next);
    }

    @Override
    public void dependencies(Set<String> into) {
      children.forEach(c -> c.dependencies(into));
    }

    @Override
    public boolean timeDependent() {
      return children.stream().anyMatch(Condition::timeDependent);
    }
  }

  record Not(Condition child) implements Condition {
    @Override
    public Verdict evaluate(Facts facts, Instant now) {
      Verdict v = child.evaluate(facts, now);
      return new Verdict(!v.matches(), v.nextChange());
    }

    @Override
    public void dependencies(Set<String> into) {
      child.dependencies(into);
    }

    @Override
    public boolean timeDependent() {
      return child.timeDependent();
    }
  }

  /** Membership of another segment of the same workspace. */
  record InSegment(String segmentId) implements Condition {
    @Override
    public Verdict evaluate(Facts facts, Instant now) {
      return Verdict.of(facts.segments().contains(segmentId));
    }

    @Override
    public void dependencies(Set<String> into) {
      into.add(SEGMENT_PREFIX + segmentId);
    }

    @Override
    public boolean timeDependent() {
      return false;
    }
  }

  /**
   * Consent for a category: {@code granted=true} needs an explicit grant; {@code granted=false}
   * matches a refusal or no answer.
   */
  record Consent(String category, boolean granted) implements Condition {
    @Override
    public Verdict evaluate(Facts facts, Instant now) {
      boolean given = Boolean.TRUE.equals(facts.consent().get(category));
      return Verdict.of(given == granted);
    }

    @Override
    public void dependencies(Set<String> into) {
      into.add("consent." + category);
    }

    @Override
    public boolean timeDependent() {
      return false;
    }
  }
}
