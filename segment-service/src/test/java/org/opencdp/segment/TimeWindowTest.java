package org.opencdp.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.segment.support.TestKafka.awaitMembership;
import static org.opencdp.segment.support.TestKafka.entered;
import static org.opencdp.segment.support.TestKafka.exited;
import static org.opencdp.segment.support.TestKafka.profile;
import static org.opencdp.segment.support.TestKafka.track;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencdp.segment.evaluation.TimerPoller;
import org.opencdp.segment.membership.Timers;
import org.opencdp.segment.support.Api;
import org.opencdp.segment.support.TestClock;
import org.opencdp.segment.support.TestKafka;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

/**
 * Time conditions take effect when time passes: the test clock is moved forward and the scheduled
 * timer poller (durable timers in Redis) admits or removes the profile without any new input.
 */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTest
class TimeWindowTest {
  private static final String WS = "w-time";

  @Inject TestClock clock;
  @Inject Timers timers;
  @Inject Scheduler scheduler;
  @Inject MeterRegistry registry;

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  @Test
  void noPurchaseIn30DaysAdmitsTheCustomerWhenThe30DaysElapse() {
    Api.createSegment(
        WS,
        "lapsed",
        """
        {"all":[{"event":"Order Completed"},
                {"event":"Order Completed","performed":false,"withinLastDays":30}]}
        """);
    String p = "p-" + UUID.randomUUID();
    Instant purchase = clock.instant();
    TestKafka.send(track(WS, p, "Order Completed", purchase, Map.of()));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> timers.scoreOf(new Timers.Timer(WS, "lapsed", p)).await().indefinitely() != null);
    double due = timers.scoreOf(new Timers.Timer(WS, "lapsed", p)).await().indefinitely();
    assertThat((long) due).isEqualTo(purchase.plus(Duration.ofDays(30)).toEpochMilli() + 1);
    assertThat(Api.isMember(WS, "lapsed", p)).isFalse();

    clock.advance(Duration.ofDays(29).plusHours(23));
    sleepOverAPoll();
    assertThat(Api.isMember(WS, "lapsed", p)).isFalse();

    clock.advance(Duration.ofHours(1).plusSeconds(1));
    var change = awaitMembership(WS, entered(p, "lapsed"));
    assertThat(change.reason()).isEqualTo("time window elapsed");
    assertThat(change.occurredAt()).isAfter(purchase.plus(Duration.ofDays(30)));
    assertThat(Api.isMember(WS, "lapsed", p)).isTrue();

    // a new purchase takes the customer out at once, and re-arms the timer
    TestKafka.send(track(WS, p, "Order Completed", clock.instant(), Map.of()));
    assertThat(awaitMembership(WS, exited(p, "lapsed")).reason())
        .isEqualTo("event: Order Completed");
  }

  @Test
  void aRecentLoginSegmentIsLeftWhenTheWindowPasses() {
    Api.createSegment(
        WS, "active-7d", "{\"trait\":\"last_login\",\"op\":\"within_last_days\",\"days\":7}");
    Api.createSegment(
        WS, "dormant", "{\"trait\":\"last_login\",\"op\":\"more_than_days_ago\",\"days\":7}");
    String p = "p-" + UUID.randomUUID();
    Instant login = clock.instant().minus(Duration.ofDays(6));
    TestKafka.send(
        profile(
            WS,
            p,
            1,
            Map.of("last_login", login.toString()),
            Map.of(),
            Map.of(),
            "traits.last_login"));
    awaitMembership(WS, entered(p, "active-7d"));
    assertThat(Api.isMember(WS, "dormant", p)).isFalse();

    clock.advance(Duration.ofDays(1).plusMinutes(1));
    assertThat(awaitMembership(WS, exited(p, "active-7d")).reason())
        .isEqualTo("time window elapsed");
    awaitMembership(WS, entered(p, "dormant"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(Api.segmentsOf(WS, p)).containsExactly("dormant"));
  }

  @Test
  void timersDueWhileNoPollerRanFireFromRedisWhenPollingResumes() {
    Api.createSegment(
        WS, "seen-3d", "{\"trait\":\"last_seen\",\"op\":\"within_last_days\",\"days\":3}");
    String p = "p-" + UUID.randomUUID();
    Instant seen = clock.instant().minus(Duration.ofDays(2));
    TestKafka.send(
        profile(
            WS,
            p,
            1,
            Map.of("last_seen", seen.toString()),
            Map.of(),
            Map.of(),
            "traits.last_seen"));
    awaitMembership(WS, entered(p, "seen-3d"));
    Timers.Timer timer = new Timers.Timer(WS, "seen-3d", p);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> timers.scoreOf(timer).await().indefinitely() != null);

    // the service is "down": nothing polls while the window passes; the timer waits in Redis
    scheduler.pause(TimerPoller.JOB);
    try {
      clock.advance(Duration.ofDays(2));
      sleepOverAPoll();
      assertThat(Api.isMember(WS, "seen-3d", p)).isTrue();
      assertThat(timers.scoreOf(timer).await().indefinitely())
          .isLessThan((double) clock.instant().toEpochMilli());
    } finally {
      scheduler.resume(TimerPoller.JOB);
    }
    // polling again (the poller keeps nothing in memory): the overdue timer is found and fired,
    // and the lag of the oldest due timer (about a day) is reported
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> registry.find("segment.timer.lag").gauge().value() > 3600);
    assertThat(awaitMembership(WS, exited(p, "seen-3d")).reason()).isEqualTo("time window elapsed");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> timers.scoreOf(timer).await().indefinitely() == null);
  }

  private static void sleepOverAPoll() {
    try {
      Thread.sleep(2500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
