package org.opencdp.segment.condition;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;

/**
 * One operator applied to one value.
 *
 * @param operand the value of equals/not_equals/contains/gt/gte/lt/lte
 * @param operands the values of in/not_in
 * @param instant the date of before/after
 * @param days the N of within_last_days/more_than_days_ago
 */
public record ValuePredicate(
    Op op, Object operand, List<Object> operands, Instant instant, Integer days) {

  public Verdict test(Object actual, Instant now) {
    return switch (op) {
      case EQUALS -> Verdict.of(same(actual, operand));
      case NOT_EQUALS -> Verdict.of(actual != null && !same(actual, operand));
      case IN -> Verdict.of(actual != null && operands.stream().anyMatch(o -> same(actual, o)));
      case NOT_IN ->
          Verdict.of(actual != null && operands.stream().noneMatch(o -> same(actual, o)));
      case CONTAINS -> Verdict.of(contains(actual, operand));
      case EXISTS -> Verdict.of(actual != null);
      case NOT_EXISTS -> Verdict.of(actual == null);
      case GT, GTE, LT, LTE -> Verdict.of(compareNumbers(actual));
      case BEFORE -> {
        Instant at = toInstant(actual);
        yield Verdict.of(at != null && at.isBefore(instant));
      }
      case AFTER -> {
        Instant at = toInstant(actual);
        yield Verdict.of(at != null && at.isAfter(instant));
      }
      case WITHIN_LAST_DAYS -> withinLast(toInstant(actual), now);
      case MORE_THAN_DAYS_AGO -> moreThanAgo(toInstant(actual), now);
    };
  }

  private Verdict withinLast(Instant at, Instant now) {
    if (at == null) {
      return Verdict.FALSE;
    }
    if (at.isAfter(now)) {
      return new Verdict(false, at); // a future date enters the window when it is reached
    }
    Instant leaves = at.plus(Duration.ofDays(days));
    return leaves.isAfter(now) ? new Verdict(true, leaves) : Verdict.FALSE;
  }

  private Verdict moreThanAgo(Instant at, Instant now) {
    if (at == null) {
      return Verdict.FALSE;
    }
    Instant becomesOld = at.plus(Duration.ofDays(days));
    return becomesOld.isBefore(now) ? Verdict.TRUE : new Verdict(false, becomesOld.plusMillis(1));
  }

  private boolean compareNumbers(Object actual) {
    BigDecimal left = toNumber(actual);
    BigDecimal right = toNumber(operand);
    if (left == null || right == null) {
      return false;
    }
    int c = left.compareTo(right);
    return switch (op) {
      case GT -> c > 0;
      case GTE -> c >= 0;
      case LT -> c < 0;
      case LTE -> c <= 0;
      default -> false;
    };
  }

  static boolean same(Object actual, Object expected) {
    if (actual == null || expected == null) {
      return actual == expected;
    }
    if (actual instanceof Number || expected instanceof Number) {
      BigDecimal a = toNumber(actual);
      BigDecimal b = toNumber(expected);
      return a != null && b != null && a.compareTo(b) == 0;
    }
    return actual.equals(expected);
  }

  private static boolean contains(Object actual, Object expected) {
    if (actual instanceof Collection<?> values) {
      return values.stream().anyMatch(v -> same(v, expected));
    }
    if (actual instanceof String text && expected instanceof String part) {
      return text.contains(part);
    }
    return false;
  }

  static BigDecimal toNumber(Object value) {
    if (value instanceof BigDecimal d) {
      return d;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      return BigDecimal.valueOf(((Number) value).longValue());
    }
    if (value instanceof Number n) {
      double d = n.doubleValue();
      return Double.isFinite(d) ? new BigDecimal(n.toString()) : null;
    }
    if (value instanceof String s) {
      try {
        return new BigDecimal(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /** ISO-8601 instant, offset date-time or date (start of day UTC); anything else is no date. */
  public static Instant toInstant(Object value) {
    if (value instanceof Instant i) {
      return i;
    }
    if (!(value instanceof String s) || s.isBlank()) {
      return null;
    }
    try {
      if (s.length() == 10) {
        return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(s);
      } catch (DateTimeParseException again) {
        return null;
      }
    }
  }
}
