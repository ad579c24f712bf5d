package org.opencdp.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.opencdp.profile.computed.Aggregation;
import org.opencdp.profile.computed.Bucket;
import org.opencdp.profile.computed.ComputedTraitDefinition;
import org.opencdp.profile.computed.ComputedTraits;

class ComputedTraitsUnitTest {
  private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
  private static final ComputedTraitDefinition ORDERS_7D =
      new ComputedTraitDefinition("ws", "orders_7d", Aggregation.COUNT, "Order", null, 7);

  @Test
  void aWindowOfSevenDaysKeepsTodayAndTheSixDaysBefore() {
    Map<String, TreeMap<String, Bucket>> states = new TreeMap<>();
    for (int daysAgo : new int[] {0, 6, 7}) {
      ComputedTraits.accumulate(
          states,
          List.of(ORDERS_7D),
          Events.track("ws", "p", "u", "Order", NOW.minus(Duration.ofDays(daysAgo)), Map.of()),
          "ws:" + daysAgo,
          NOW.minus(Duration.ofDays(daysAgo)),
          NOW);
    }
    assertThat(ComputedTraits.evaluate(states, List.of(ORDERS_7D), NOW))
        .containsEntry("orders_7d", 2L);
    assertThat(ComputedTraits.nextExpiry(states, List.of(ORDERS_7D)))
        .isEqualTo(Instant.parse("2026-03-11T00:00:00Z"));
    assertThat(
            ComputedTraits.evaluate(
                states, List.of(ORDERS_7D), Instant.parse("2026-03-11T00:00:00Z")))
        .containsEntry("orders_7d", 1L);
  }

  @Test
  void eventsOfOtherNamesAreNotCounted() {
    Map<String, TreeMap<String, Bucket>> states = new TreeMap<>();
    ComputedTraits.accumulate(
        states,
        List.of(ORDERS_7D),
        Events.track("ws", "p", "u", "Viewed", NOW, Map.of()),
        "ws:1",
        NOW,
        NOW);
    assertThat(ComputedTraits.evaluate(states, List.of(ORDERS_7D), NOW))
        .doesNotContainKey("orders_7d");
  }
}
