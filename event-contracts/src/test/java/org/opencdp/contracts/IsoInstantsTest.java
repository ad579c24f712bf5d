package org.opencdp.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {
  private static final String CHARS = "0123456789-:.TZz+ x";

  @Test
  void theFastPathAgreesWithInstantParseOnGeneratedAndMutatedInputs() {
    Random random = new Random(8);
    int accepted = 0;
    for (int n = 0; n < 200_000; n++) {
      String text = withRandomFraction(randomInstant(random), random);
      if (n % 2 == 1) {
        text = mutate(text, random);
      }
      Instant fastResult = IsoInstants.parseCommonForm(text);
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
      assertThat(IsoInstants.parseCommonForm(instant.toString()))
          .as(instant.toString())
          .isEqualTo(instant);
    }
  }

  @Test
  void instantsAreWrittenExactlyAsTheJdkFormatsThem() {
    Random random = new Random(7);
    char[] out = new char[IsoInstants.MAX_LENGTH];
    long minSecond = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    long maxSecond = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 100_000; i++) {
      long second =
          switch (i % 3) {
            case 0 -> minSecond + (long) (random.nextDouble() * (maxSecond - minSecond));
            case 1 -> 1_700_000_000L + random.nextInt(200_000_000); // SDK-era clocks
            default ->
                (random.nextBoolean() ? minSecond : maxSecond) - 86_400 + random.nextInt(172_800);
          };
      Instant instant = Instant.ofEpochSecond(second, randomInstant(random).getNano());
      String expected = DateTimeFormatter.ISO_INSTANT.format(instant);
      int length = IsoInstants.format(instant, out);
      if (expected.startsWith("-") || expected.startsWith("+")) {
        assertThat(length).as(expected).isEqualTo(-1); // left to the JDK
      } else {
        assertThat(new String(out, 0, length)).as(expected).isEqualTo(expected);
      }
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
