package org.opencdp.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InstantJsonTest {
  private final ObjectMapper standard =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  private final ObjectMapper fast =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .registerModule(InstantJson.module())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

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

  @Test
  void jsonIsWrittenTheSameWithAndWithoutTheModule() throws Exception {
    Random random = new Random(5);
    for (int n = 0; n < 20_000; n++) {
      Instant instant =
          Instant.ofEpochSecond(
              random.nextLong(-80_000_000_000L, 300_000_000_000L), // years -0565 to 11476
              n % 2 == 0 ? 0 : random.nextInt(1_000_000_000) / (int) Math.pow(10, n % 7));
      assertThat(fast.writeValueAsString(instant))
          .as(instant.toString())
          .isEqualTo(standard.writeValueAsString(instant));
    }
    ObjectMapper asNumbers = fast.copy().enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    assertThat(asNumbers.writeValueAsString(Instant.ofEpochSecond(1_764_107_990L, 195_000_000)))
        .isEqualTo("1764107990.195000000");
  }

  private static String outcome(ObjectMapper mapper, String json) {
    try {
      return "read " + mapper.readValue(json, Instant.class);
    } catch (Exception e) {
      return "refused " + e.getClass().getSimpleName();
    }
  }
}
