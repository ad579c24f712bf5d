package org.opencdp.profile.computed;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.EventType;

/**
 * Incremental computed traits. Windowed traits keep one bucket per UTC day inside the profile
 * document; a value is the fold of the buckets still inside the window, buckets that left it are
 * dropped, and the profile records when its next bucket leaves so the expiry job refreshes it then.
 */
public final class ComputedTraits {
  public static final String ALL_TIME = "all";

  private ComputedTraits() {}

  /** Adds one event to every matching definition's state. */
  public static void accumulate(
      Map<String, TreeMap<String, Bucket>> states,
      List<ComputedTraitDefinition> definitions,
      EventEnvelope event,
      String eventKey,
      Instant eventTime,
      Instant now) {
    if (event.type() != EventType.TRACK) {
      return;
    }
    for (ComputedTraitDefinition definition : definitions) {
      if (definition.event() != null && !definition.event().equals(event.event())) {
        continue;
      }
      Object value =
          definition.property() == null
              ? null
              : propertyValue(event.properties(), definition.property());
      if (definition.aggregation() != Aggregation.COUNT && value == null) {
        continue;
      }
      String bucketKey;
      if (definition.windowed()) {
        LocalDate day = LocalDate.ofInstant(eventTime, ZoneOffset.UTC);
        if (!day.isAfter(today(now).minusDays(definition.windowDays()))) {
          continue; // a late event already outside the window
        }
        bucketKey = day.toString();
      } else {
        bucketKey = ALL_TIME;
      }
      states
          .computeIfAbsent(definition.name(), n -> new TreeMap<>())
          .computeIfAbsent(bucketKey, k -> new Bucket())
          .add(value, eventTime, eventKey);
    }
  }

  /**
   * Drops buckets that left their window and undeclared traits, and returns the current values.
   * Traits with no data are absent.
   */
  public static Map<String, Object> evaluate(
      Map<String, TreeMap<String, Bucket>> states,
      List<ComputedTraitDefinition> definitions,
      Instant now) {
    Map<String, Object> values = new TreeMap<>();
    states.keySet().removeIf(name -> definitions.stream().noneMatch(d -> d.name().equals(name)));
    for (ComputedTraitDefinition definition : definitions) {
      TreeMap<String, Bucket> buckets = states.get(definition.name());
      if (buckets == null) {
        continue;
      }
      if (definition.windowed()) {
        LocalDate oldestKept = today(now).minusDays(definition.windowDays() - 1L);
        buckets
            .keySet()
            .removeIf(k -> k.equals(ALL_TIME) || LocalDate.parse(k).isBefore(oldestKept));
      } else {
        buckets.keySet().removeIf(k -> !k.equals(ALL_TIME));
      }
      if (buckets.isEmpty()) {
        if (definition.aggregation() == Aggregation.COUNT) {
          values.put(definition.name(), 0L); // the window emptied: nothing counted any more
        } else {
          states.remove(definition.name());
        }
        continue;
      }
      Object value = fold(definition.aggregation(), buckets.values().iterator());
      if (value != null) {
        values.put(definition.name(), value);
      }
    }
    return values;
  }

  /** When the oldest day bucket of any windowed trait leaves its window; null if never. */
  public static Instant nextExpiry(
      Map<String, TreeMap<String, Bucket>> states, List<ComputedTraitDefinition> definitions) {
    Instant next = null;
    for (ComputedTraitDefinition definition : definitions) {
      TreeMap<String, Bucket> buckets = states.get(definition.name());
      if (!definition.windowed() || buckets == null || buckets.isEmpty()) {
        continue;
      }
      Instant leaves =
          LocalDate.parse(buckets.firstKey())
              .plusDays(definition.windowDays())
              .atStartOfDay(ZoneOffset.UTC)
              .toInstant();
      if (next == null || leaves.isBefore(next)) {
        next = leaves;
      }
    }
    return next;
  }

  private static Object fold(Aggregation aggregation, Iterator<Bucket> buckets) {
    long count = 0;
    long numeric = 0;
    double sum = 0;
    Double min = null;
    Double max = null;
    Bucket first = null;
    Bucket last = null;
    Map<String, Long> frequencies = new TreeMap<>();
    while (buckets.hasNext()) {
      Bucket b = buckets.next();
      count += b.count;
      numeric += b.numericCount;
      sum += b.sum;
      if (b.min != null) {
        min = min == null ? b.min : Math.min(min, b.min);
      }
      if (b.max != null) {
        max = max == null ? b.max : Math.max(max, b.max);
      }
      if (b.firstAt != null
          && (first == null
              || Bucket.earlier(b.firstAt, b.firstKey, first.firstAt, first.firstKey))) {
        first = b;
      }
      if (b.lastAt != null
          && (last == null || Bucket.earlier(last.lastAt, last.lastKey, b.lastAt, b.lastKey))) {
        last = b;
      }
      b.frequencies.forEach((k, v) -> frequencies.merge(k, v, Long::sum));
    }
    return switch (aggregation) {
      case COUNT -> count;
      case SUM -> numeric == 0 ? null : sum;
      case MIN -> min;
      case MAX -> max;
      case AVG -> numeric == 0 ? null : sum / numeric;
      case FIRST -> first == null ? null : first.first;
      case LAST -> last == null ? null : last.last;
      case MOST_FREQUENT -> mostFrequent(frequencies);
    };
  }

  private static String mostFrequent(Map<String, Long> frequencies) {
    String best = null;
    long bestCount = 0;
    for (Map.Entry<String, Long> e : frequencies.entrySet()) { // sorted: ties go to the smallest
      if (e.getValue() > bestCount) {
        best = e.getKey();
        bestCount = e.getValue();
      }
    }
    return best;
  }

  static Object propertyValue(Map<String, Object> properties, String path) {
    Object current = properties;
    for (String part : path.split("\\.")) {
      if (!(current instanceof Map<?, ?> map)) {
        return null;
      }
      current = map.get(part);
    }
    return current;
  }

  static LocalDate today(Instant now) {
    return LocalDate.ofInstant(now, ZoneOffset.UTC);
  }
}
