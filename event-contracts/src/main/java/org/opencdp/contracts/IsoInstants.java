package org.opencdp.contracts;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * ISO-8601 instants without {@code java.time.format}: parsing and printing through {@code
 * DateTimeFormatter} were each several per cent of a service's CPU per event (an envelope carries
 * four instants). Both handle only the common forms and say so (null, -1) for anything else, so
 * that callers fall back to the JDK and what is accepted, refused or written does not change.
 */
public final class IsoInstants {
  private IsoInstants() {}

  /** Room for the longest text {@link #format} writes. */
  public static final int MAX_LENGTH = 30;

  /**
   * The instant of {@code yyyy-MM-ddTHH:mm:ss[.1-9 digits](Z|±HH:MM)} — what SDKs and {@link
   * Instant#toString()} write — when every field is in range; null for anything else (the caller
   * parses it with {@link OffsetDateTime#parse} or Jackson, which agree with this on every input
   * this accepts).
   */
  public static Instant parseCommonForm(String text) {
    int length = text.length();
    if (length < 20
        || text.charAt(4) != '-'
        || text.charAt(7) != '-'
        || text.charAt(10) != 'T'
        || text.charAt(13) != ':'
        || text.charAt(16) != ':') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    if ((year | month | day | hour | minute | second) < 0
        || month < 1
        || month > 12
        || day < 1
        || day > 31
        || hour > 23
        || minute > 59
        || second > 59) {
      return null;
    }
    int position = 19;
    int nanos = 0;
    if (text.charAt(position) == '.') {
      int start = ++position;
      while (position < length && position - start < 9 && isDigit(text.charAt(position))) {
        nanos = nanos * 10 + (text.charAt(position) - '0');
        position++;
      }
      int fractionDigits = position - start;
      if (fractionDigits == 0 || (position < length && isDigit(text.charAt(position)))) {
        return null;
      }
      for (int i = fractionDigits; i < 9; i++) {
        nanos *= 10;
      }
    }
    int offsetSeconds;
    if (position == length - 1 && text.charAt(position) == 'Z') {
      offsetSeconds = 0;
    } else if (position == length - 6
        && (text.charAt(position) == '+' || text.charAt(position) == '-')
        && text.charAt(position + 3) == ':') {
      int offsetHours = digits(text, position + 1, 2);
      int offsetMinutes = digits(text, position + 4, 2);
      if (offsetHours < 0 || offsetMinutes < 0 || offsetHours > 18 || offsetMinutes > 59) {
        return null;
      }
      offsetSeconds = offsetHours * 3600 + offsetMinutes * 60;
      if (offsetSeconds > 18 * 3600) {
        return null;
      }
      if (text.charAt(position) == '-') {
        offsetSeconds = -offsetSeconds;
      }
    } else {
      return null;
    }
    if (day > 28 && day > LocalDate.of(year, month, 1).lengthOfMonth()) {
      return null; // 30 February and the like: let OffsetDateTime.parse refuse it
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    long seconds = epochDay * 86_400 + hour * 3600L + minute * 60L + second - offsetSeconds;
    return Instant.ofEpochSecond(seconds, nanos);
  }

  /** The non-negative number in {@code count} ASCII digits at {@code start}, or -1. */
  private static int digits(String text, int start, int count) {
    int value = 0;
    for (int i = start; i < start + count; i++) {
      char c = text.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** Writes {@code yyyy-MM-ddTHH:mm:ss[.fff[fff[fff]]]Z}; -1 when the year is out of range. */
  public static int format(Instant instant, char[] out) {
    long seconds = instant.getEpochSecond();
    long days = Math.floorDiv(seconds, 86_400);
    int secondOfDay = (int) Math.floorMod(seconds, 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    long shifted = days + 719_468;
    long era = Math.floorDiv(shifted, 146_097);
    long dayOfEra = shifted - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long monthIndex = (5 * dayOfYear + 2) / 153;
    int day = (int) (dayOfYear - (153 * monthIndex + 2) / 5 + 1);
    int month = (int) (monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    if (year < 0 || year > 9999) {
      return -1;
    }
    put(out, 0, (int) year, 4);
    out[4] = '-';
    put(out, 5, month, 2);
    out[7] = '-';
    put(out, 8, day, 2);
    out[10] = 'T';
    put(out, 11, secondOfDay / 3600, 2);
    out[13] = ':';
    put(out, 14, secondOfDay / 60 % 60, 2);
    out[16] = ':';
    put(out, 17, secondOfDay % 60, 2);
    int length = 19;
    int nanos = instant.getNano();
    if (nanos > 0) {
      out[length++] = '.';
      if (nanos % 1_000_000 == 0) {
        put(out, length, nanos / 1_000_000, 3);
        length += 3;
      } else if (nanos % 1000 == 0) {
        put(out, length, nanos / 1000, 6);
        length += 6;
      } else {
        put(out, length, nanos, 9);
        length += 9;
      }
    }
    out[length++] = 'Z';
    return length;
  }

  private static void put(char[] out, int at, int value, int digits) {
    for (int i = at + digits - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }
}
