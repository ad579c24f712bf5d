package org.opencdp.activation.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Unit tests of the pure delivery rules: backoff, quiet hours, circuit breaker. */
class DeliveryRulesTest {

  @Test
  void backoffDoublesWithJitterAndIsCapped() {
    Duration base = Duration.ofSeconds(1);
    Duration max = Duration.ofSeconds(30);
    for (int i = 0; i < 200; i++) {
      assertThat(Dispatcher.backoff(1, base, max)).isBetween(Duration.ofMillis(500), base);
      assertThat(Dispatcher.backoff(3, base, max))
          .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
      assertThat(Dispatcher.backoff(20, base, max))
          .isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
    }
  }

  @Test
  void quietHoursAcrossMidnightDeferToTheirEndInTheProfilesZone() {
    QuietHours quiet = new QuietHours(LocalTime.of(21, 0), LocalTime.of(8, 0), Optional.empty());
    Instant lateInParis = Instant.parse("2026-03-10T22:30:00Z"); // 23:30 in Paris
    Map<String, Object> paris = Map.of("timezone", "Europe/Paris");

    assertThat(quiet.nextAllowed(lateInParis, paris))
        .isEqualTo(Instant.parse("2026-03-11T07:00:00Z"));
    assertThat(quiet.nextAllowed(Instant.parse("2026-03-11T05:00:00Z"), paris))
        .isEqualTo(Instant.parse("2026-03-11T07:00:00Z"));
    Instant noon = Instant.parse("2026-03-11T11:00:00Z");
    assertThat(quiet.nextAllowed(noon, paris)).isEqualTo(noon);
    assertThat(quiet.nextAllowed(lateInParis, Map.of())).as("no zone known").isEqualTo(lateInParis);
    assertThat(quiet.nextAllowed(lateInParis, Map.of("timezone", "Not/AZone")))
        .isEqualTo(lateInParis);
    QuietHours withDefault =
        new QuietHours(LocalTime.of(21, 0), LocalTime.of(8, 0), Optional.of(ZoneId.of("UTC")));
    assertThat(withDefault.nextAllowed(lateInParis, Map.of()))
        .isEqualTo(Instant.parse("2026-03-11T08:00:00Z"));
  }

  @Test
  void theBreakerOpensAfterConsecutiveFailuresThenLetsOneTrialThrough() {
    CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(10));
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    breaker.failure(t);
    breaker.failure(t);
    breaker.success();
    breaker.failure(t);
    breaker.failure(t);
    assertThat(breaker.blockedUntil(t)).isNull();
    breaker.failure(t);
    assertThat(breaker.blockedUntil(t.plusSeconds(5))).isEqualTo(t.plusSeconds(10));
    assertThat(breaker.blockedUntil(t.plusSeconds(11))).as("one trial").isNull();
    assertThat(breaker.blockedUntil(t.plusSeconds(11))).as("only one").isNotNull();
    breaker.success();
    assertThat(breaker.blockedUntil(t.plusSeconds(12))).isNull();
  }
}
