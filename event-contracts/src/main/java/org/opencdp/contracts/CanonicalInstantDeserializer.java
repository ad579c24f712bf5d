package org.opencdp.contracts;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads the instants of our own messages ({@code EventEnvelope} has four) with a fast path for the
 * form every service writes them in, {@link Instant#toString()}: {@code
 * yyyy-MM-ddTHH:mm:ss[.fraction]Z}. Jackson's {@link InstantDeserializer} parses through {@code
 * DateTimeFormatter.ISO_INSTANT}, which was 6 % of the profile-service's CPU outside the store per
 * resolved event. Anything else (other forms, numbers, out-of-range fields) goes to Jackson's
 * deserializer, so what is accepted or refused, and how, does not change.
 */
public final class CanonicalInstantDeserializer extends StdScalarDeserializer<Instant> {
  private static final long serialVersionUID = 1L;

  public CanonicalInstantDeserializer() {
    super(Instant.class);
  }

  /** A module to register after the JavaTimeModule (a later module's deserializer wins). */
  public static SimpleModule module() {
    return new SimpleModule("canonical-instants")
        .addDeserializer(Instant.class, new CanonicalInstantDeserializer());
  }

  @Override
  public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    if (p.hasToken(JsonToken.VALUE_STRING)) {
      Instant fast = parseCanonical(p.getText());
      if (fast != null) {
        return fast;
      }
    }
    return InstantDeserializer.INSTANT.deserialize(p, ctxt);
  }

  /**
   * The instant when {@code text} is exactly {@code yyyy-MM-ddTHH:mm:ss[.1-9 digits]Z} with every
   * field in range, else null (the caller falls back to the full parser).
   */
  public static Instant parseCanonical(String text) {
    int length = text.length();
    if (length < 20
        || length > 30
        || text.charAt(4) != '-'
        || text.charAt(7) != '-'
        || text.charAt(10) != 'T'
        || text.charAt(13) != ':'
        || text.charAt(16) != ':'
        || text.charAt(length - 1) != 'Z') {
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
    int nanos = 0;
    if (length > 20) {
      int fractionDigits = length - 21; // between '.' at 19 and 'Z'
      if (text.charAt(19) != '.' || fractionDigits < 1 || fractionDigits > 9) {
        return null;
      }
      int fraction = digits(text, 20, fractionDigits);
      if (fraction < 0) {
        return null;
      }
      nanos = fraction;
      for (int i = fractionDigits; i < 9; i++) {
        nanos *= 10;
      }
    }
    if (day > 28 && day > LocalDate.of(year, month, 1).lengthOfMonth()) {
      return null; // 30 February and the like: the full parser refuses it
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600L + minute * 60L + second, nanos);
  }

  /** The non-negative number in {@code count} ASCII digits at {@code start}, or -1. */
  private static int digits(String text, int start, int count) {
    int value = 0;
    for (int i = start; i < start + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
