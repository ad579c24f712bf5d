package org.opencdp.segment.condition;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A condition on a trait or a computed trait; {@code path} may reach into objects (a.b). */
public record ValueCondition(
    Source source, String name, List<String> path, ValuePredicate predicate) implements Condition {

  public enum Source {
    TRAIT("traits."),
    COMPUTED("computed.");

    final String fieldPrefix;

    Source(String fieldPrefix) {
      this.fieldPrefix = fieldPrefix;
    }
  }

  @Override
  public Verdict evaluate(Facts facts, Instant now) {
    Map<String, Object> values = source == Source.TRAIT ? facts.traits() : facts.computedTraits();
    return predicate.test(lookup(values, path), now);
  }

  static Object lookup(Map<String, Object> values, List<String> path) {
    Object current = values;
    for (String key : path) {
      if (!(current instanceof Map<?, ?> map)) {
        return null;
      }
      current = map.get(key);
    }
    return current;
  }

  @Override
  public void dependencies(Set<String> into) {
    into.add(source.fieldPrefix + path.get(0));
  }

  @Override
  public boolean timeDependent() {
    return predicate.op().relative();
  }
}
