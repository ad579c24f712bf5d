package org.opencdp.profile.computed;

import java.time.Instant;
import java.util.TreeMap;

/**
 * Partial aggregate of one computed trait: for all time (key {@code all}) or one UTC day (key
 * {@code 2026-11-25}). Every operation is commutative, so applying events in any order, or
 * rebuilding from the timeline, gives the same state.
 */
public final class Bucket {
  public long count;
  public long numericCount;
  public double sum;
  public Double min;
  public Double max;
  public Object first;
  public Instant firstAt;
  public String firstKey;
  public Object last;
  public Instant lastAt;
  public String lastKey;
  public final TreeMap<String, Long> frequencies = new TreeMap<>();

  void add(Object value, Instant at, String eventKey) {
    count++;
    if (value instanceof Number number) {
      double d = number.doubleValue();
      numericCount++;
      sum += d;
      min = min == null ? d : Math.min(min, d);
      max = max == null ? d : Math.max(max, d);
    }
    if (value != null) {
      if (firstAt == null || earlier(at, eventKey, firstAt, firstKey)) {
        first = value;
        firstAt = at;
        firstKey = eventKey;
      }
      if (lastAt == null || earlier(lastAt, lastKey, at, eventKey)) {
        last = value;
        lastAt = at;
        lastKey = eventKey;
      }
      frequencies.merge(String.valueOf(value), 1L, Long::sum);
    }
  }

  public Bucket copy() {
    Bucket b = new Bucket();
    b.count = count;
    b.numericCount = numericCount;
    b.sum = sum;
    b.min = min;
    b.max = max;
    b.first = first;
    b.firstAt = firstAt;
    b.firstKey = firstKey;
    b.last = last;
    b.lastAt = lastAt;
    b.lastKey = lastKey;
    b.frequencies.putAll(frequencies);
    return b;
  }

  /** Adds another bucket of the same trait and period into this one (commutative). */
  public Bucket merge(Bucket other) {
    count += other.count;
    numericCount += other.numericCount;
    sum += other.sum;
    if (other.min != null) {
      min = min == null ? other.min : Math.min(min, other.min);
    }
    if (other.max != null) {
      max = max == null ? other.max : Math.max(max, other.max);
    }
    if (other.firstAt != null
        && (firstAt == null || earlier(other.firstAt, other.firstKey, firstAt, firstKey))) {
      first = other.first;
      firstAt = other.firstAt;
      firstKey = other.firstKey;
    }
    if (other.lastAt != null
        && (lastAt == null || earlier(lastAt, lastKey, other.lastAt, other.lastKey))) {
      last = other.last;
      lastAt = other.lastAt;
      lastKey = other.lastKey;
    }
    other.frequencies.forEach((k, v) -> frequencies.merge(k, v, Long::sum));
    return this;
  }

  static boolean earlier(Instant a, String aKey, Instant b, String bKey) {
    int c = a.compareTo(b);
    return c != 0 ? c < 0 : aKey.compareTo(bKey) < 0;
  }
}
