package org.opencdp.ingestion.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EnvelopeWriterTest {

  @Test
  void instantsAreWrittenExactlyAsTheJdkFormatsThem() {
    Random random = new Random(7);
    char[] out = new char[30];
    long minSecond = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    long maxSecond = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 300_000; i++) {
      long second =
          switch (i % 3) {
            case 0 -> minSecond + (long) (random.nextDouble() * (maxSecond - minSecond));
            case 1 -> 1_700_000_000L + random.nextInt(200_000_000); // SDK-era clocks
            default ->
                (random.nextBoolean() ? minSecond : maxSecond) - 86_400 + random.nextInt(172_800);
          };
      int nanos =
          switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1000;
            default -> random.nextInt(1_000_000_000);
          };
      Instant instant = Instant.ofEpochSecond(second, nanos);
      String expected = DateTimeFormatter.ISO_INSTANT.format(instant);
      int length = EnvelopeWriter.IsoInstant.format(instant, out);
      if (expected.startsWith("-") || expected.startsWith("+")) {
        assertThat(length).as(expected).isEqualTo(-1); // left to the JDK
      } else {
        assertThat(new String(out, 0, length)).as(expected).isEqualTo(expected);
      }
    }
  }
}
