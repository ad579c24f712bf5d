package org.opencdp.ingestion.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.IsoInstants;

class IsoTimestampsTest {

  @Test
  void theFormsSdksSendTakeTheFastPathAndGiveTheSameInstant() {
    for (String sent :
        new String[] {
          "2026-11-25T10:00:00Z", // analytics-java, Segment spec examples
          "2026-11-25T10:00:00.123Z", // analytics.js (toISOString)
          "2026-11-25T10:00:00.123456789Z",
          "2026-11-25T11:00:00.5+01:00",
          "2026-11-25T04:30:00-05:30",
          "0001-01-01T00:00:00Z",
          "2024-02-29T23:59:59.999+18:00"
        }) {
      assertThat(IsoInstants.parseCommonForm(sent)).as(sent).isNotNull();
      assertThat(IsoTimestamps.parse(sent))
          .as(sent)
          .isEqualTo(OffsetDateTime.parse(sent).toInstant());
    }
  }

  @Test
  void otherValidFormsAreLeftToTheJdkParser() {
    for (String sent :
        new String[] {"2026-11-25T10:00Z", "2026-11-25t10:00:00z", "+12026-11-25T10:00:00Z"}) {
      assertThat(IsoInstants.parseCommonForm(sent)).as(sent).isNull();
    }
    assertThat(IsoTimestamps.parse("2026-11-25T10:00Z"))
        .isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
  }

  @Test
  void acceptsAndRefusesExactlyWhatOffsetDateTimeParseDoes() {
    Random random = new Random(42);
    int fastPathHits = 0;
    for (int i = 0; i < 200_000; i++) {
      String text = mutate(candidate(random), random);
      String expected = outcome(() -> OffsetDateTime.parse(text).toInstant());
      String actual = outcome(() -> IsoTimestamps.parse(text));
      assertThat(actual).as(text).isEqualTo(expected);
      if (IsoInstants.parseCommonForm(text) != null) {
        fastPathHits++;
      }
    }
    assertThat(fastPathHits).as("inputs that took the fast path").isGreaterThan(20_000);
  }

  /** Mostly near-valid timestamps: every field at, inside or just outside its range. */
  private static String candidate(Random random) {
    StringBuilder text =
        new StringBuilder()
            .append(String.format("%04d", random.nextInt(10_000)))
            .append('-')
            .append(String.format("%02d", random.nextInt(14)))
            .append('-')
            .append(String.format("%02d", random.nextInt(33)))
            .append('T')
            .append(String.format("%02d", random.nextInt(26)))
            .append(':')
            .append(String.format("%02d", random.nextInt(61)))
            .append(':')
            .append(String.format("%02d", random.nextInt(61)));
    int fraction = random.nextInt(12) - 1;
    if (fraction >= 0) {
      text.append('.');
      for (int i = 0; i < fraction; i++) {
        text.append(random.nextInt(10));
      }
    }
    switch (random.nextInt(4)) {
      case 0 -> text.append('Z');
      case 1 ->
          text.append(random.nextBoolean() ? '+' : '-')
              .append(String.format("%02d:%02d", random.nextInt(20), random.nextInt(61)));
      case 2 -> text.append(String.format("+%02d", random.nextInt(20)));
      default -> {
        // no offset at all
      }
    }
    return text.toString();
  }

  /** Now and then one character replaced, removed or added. */
  private static String mutate(String text, Random random) {
    if (random.nextInt(4) != 0) {
      return text;
    }
    int at = random.nextInt(text.length());
    String alphabet = "0123456789:-+TZtz. x\u0660";
    String noise = String.valueOf(alphabet.charAt(random.nextInt(alphabet.length())));
    return switch (random.nextInt(3)) {
      case 0 -> text.substring(0, at) + noise + text.substring(at + 1);
      case 1 -> text.substring(0, at) + text.substring(at + 1);
      default -> text.substring(0, at) + noise + text.substring(at);
    };
  }

  private static String outcome(java.util.function.Supplier<Instant> parse) {
    try {
      return parse.get().toString();
    } catch (DateTimeParseException refused) {
      return "refused";
    }
  }
}
