package org.opencdp.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class BenchRunTest {
  private static final long MS = 1_000_000L;
  private static final long S = 1_000 * MS;

  @Test
  void latenciesAreGroupedByTheWindowTheyStartedInCountedFromTheFirst() {
    TreeMap<Long, Long> byStart = new TreeMap<>();
    long first = 5 * S; // windows count from the first start, not from zero
    byStart.put(first, 100 * MS);
    byStart.put(first + 3 * S, 300 * MS);
    byStart.put(first + 25 * S, 2_000 * MS); // the third window; the second has none

    List<List<String>> rows = BenchRun.byWindow(byStart, Duration.ofSeconds(10));

    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).subList(0, 2)).containsExactly("0-10 s", "2");
    assertThat(rows.get(0).get(4)).isEqualTo(BenchReport.ms(300));
    assertThat(rows.get(1).subList(0, 2)).containsExactly("20-30 s", "1");
    assertThat(rows.get(1).get(2)).isEqualTo(BenchReport.ms(2_000));
  }

  @Test
  void noLatenciesNoRows() {
    assertThat(BenchRun.byWindow(new TreeMap<>(), Duration.ofSeconds(10))).isEmpty();
  }
}
