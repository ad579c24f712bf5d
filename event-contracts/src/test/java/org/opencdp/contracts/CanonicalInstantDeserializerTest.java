package org.opencdp.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CanonicalInstantDeserializerTest {
  private static final String CHARS = "0123456789-:.TZz+ x";

  private final ObjectMapper standard =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  private final ObjectMapper fast =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .registerModule(CanonicalInstantDeserializer.module())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  @Test
  void theFastPathAgreesWithInstantParseOnGeneratedAndMutatedInputs() {
    Random random = new Random(8);
    int accepted = 0;
    for (int n = 0; n < 200_000; n++) {
      String text = withRandomFraction(randomInstant(random), random);
      if (n % 2 == 1) {
        text = mutate(text, random);
      }
      Instant fastResult = CanonicalInstantDeserializer.parseCanonical(text);
      Instant full;
      try {
        full = Instant.parse(text);
      } catch (DateTimeParseException e) {
        full = null;
      }
      if (fastResult != null) {
        accepted++;
        assertThat(fastResult).as(text).isEqualTo(full); // never accepts what the parser refuses
      }
    }
    assertThat(accepted).isGreaterThan(100_000); // the canonical form does take the fast path
  }

  @Test
  void everyInstantToStringTakesTheFastPath() {
    Random random = new Random(9);
    for (int n = 0; n < 50_000; n++) {
      Instant instant = randomInstant(random);
      assertThat(CanonicalInstantDeserializer.parseCanonical(instant.toString()))
          .as(instant.toString())
          .isEqualTo(instant);
    }
  }

  @Test
  void jsonReadsTheSameWithAndWithoutTheModule() throws Exception {
    for (String value :
        new String[] {
          "\"2026-11-25T21:59:50.195Z\"",
          "\"2026-11-25T21:59:50Z\"",
          "\"2024-02-29T00:00:00.000000001Z\"",
          "\"2026-11-25T21:59:50+01:00\"",
          "1764107990.195",
          "1764107990",
          "\"  2026-11-25T21:59:50Z  \""
        }) {
      assertThat(fast.readValue(value, Instant.class))
          .as(value)
          .isEqualTo(standard.readValue(value, Instant.class));
    }
    String envelope =
        standard.writeValueAsString(
            new EventEnvelope(
                "m-1",
                "acme",
                "web",
                EventType.TRACK,
                "Order Completed",
                null,
                null,
                "u-1",
                null,
                null,
                null,
                null,
                Map.of("revenue", 1),
                null,
                null,
                Instant.parse("2026-01-01T10:00:00.5Z"),
                Instant.parse("2026-01-01T09:59:59.123456Z"),
                Instant.parse("2026-01-01T10:00:01Z"),
                Instant.parse("2026-01-01T10:00:02.000000700Z"),
                null,
                "p-1"));
    assertThat(fast.readValue(envelope, EventEnvelope.class))
        .isEqualTo(standard.readValue(envelope, EventEnvelope.class));
  }

  @Test
  void oddInputsGiveTheSameInstantOrTheSameRefusalAsBefore() {
    for (String value :
        new String[] {
          "\"2026-02-30T10:00:00Z\"",
          "\"2026-11-25T24:00:00Z\"",
          "\"2026-12-31T23:59:60Z\"",
          "\"2026-11-25T10:00:00.Z\"",
          "\"2026-11-25T10:00:00.1234567890Z\"",
          "\"+12026-11-25T10:00:00Z\"",
          "\"2026-11-25t10:00:00z\"",
          "\"yesterday\"",
          "\"\"",
          "null"
        }) {
      assertThat(outcome(fast, value)).as(value).isEqualTo(outcome(standard, value));
    }
    assertThat(outcome(standard, "\"2026-02-30T10:00:00Z\"")).startsWith("refused");
  }

  private static String outcome(ObjectMapper mapper, String json) {
    try {
      return "read " + mapper.readValue(json, Instant.class);
    } catch (Exception e) {
      return "refused " + e.getClass().getSimpleName();
    }
  }

  private static Instant randomInstant(Random random) {
    long seconds = random.nextLong(-62_000_000_000L, 250_000_000_000L); // years 0005 to 9892
    int nanos =
        switch (random.nextInt(4)) {
          case 0 -> 0;
          case 1 -> random.nextInt(1000) * 1_000_000;
          case 2 -> random.nextInt(1_000_000) * 1000;
          default -> random.nextInt(1_000_000_000);
        };
    return Instant.ofEpochSecond(seconds, nanos);
  }

  /** The instant's text with its fraction cut to 0-9 digits (Instant.toString uses 0, 3, 6, 9). */
  private static String withRandomFraction(Instant instant, Random random) {
    String base = instant.toString();
    String seconds = base.substring(0, 19);
    String digits = String.format("%09d", instant.getNano());
    int keep = random.nextInt(10);
    return keep == 0 ? seconds + "Z" : seconds + "." + digits.substring(0, keep) + "Z";
  }

  private static String mutate(String text, Random random) {
    StringBuilder b = new StringBuilder(text);
    int position = random.nextInt(b.length());
    char c = CHARS.charAt(random.nextInt(CHARS.length()));
    switch (random.nextInt(3)) {
      case 0 -> b.setCharAt(position, c);
      case 1 -> b.deleteCharAt(position);
      default -> b.insert(position, c);
    }
    return b.toString();
  }
}
