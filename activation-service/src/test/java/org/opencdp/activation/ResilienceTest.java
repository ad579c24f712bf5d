package org.opencdp.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.opencdp.activation.delivery.Dispatcher;
import org.opencdp.activation.support.ActivationTestBase;
import org.opencdp.activation.support.Kafka;
import org.opencdp.activation.support.Receiver;
import org.opencdp.contracts.DeliveryResult;
import org.opencdp.contracts.SegmentMembershipChanged.Kind;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTest
class ResilienceTest extends ActivationTestBase {
  @Inject Dispatcher dispatcher;

  @Test
  void aFailedSendIsRetriedWithBackoffUntilItSucceedsWithOneIdempotencyKey() {
    Receiver.Endpoint flaky = Receiver.endpoint(call -> call <= 2 ? 503 : 200);
    String segment = unique("seg");
    String campaign =
        createCampaign(
            campaign(segmentEntered(segment), List.of(send(webhook(flaky), null, null))));
    String profile = unique("p");
    profile(profile, Map.of(), consent());

    membership(profile, segment, Kind.ENTERED);

    awaitStatus(campaign, "DELIVERED", 1);
    assertThat(flaky.count()).isEqualTo(3);
    assertThat(flaky.received.stream().map(r -> r.header("Idempotency-Key")).distinct()).hasSize(1);
    assertThat(log(campaign).get(0).attempts()).isEqualTo(3);
    long gap1 = flaky.received.get(1).nanos() - flaky.received.get(0).nanos();
    assertThat(Duration.ofNanos(gap1)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () ->
                Kafka.results(profile).stream()
                        .filter(r -> r.status() == DeliveryResult.Status.DELIVERED)
                        .count()
                    == 1);
    assertThat(Kafka.results(profile)).noneMatch(r -> r.status() == DeliveryResult.Status.FAILED);
  }

  @Test
  void aFailingAndASlowDestinationDoNotDelayAHealthyOne() {
    Receiver.Endpoint slow = Receiver.endpoint(200);
    slow.delayMillis = 2_500;
    Receiver.Endpoint failing = Receiver.endpoint(500);
    Receiver.Endpoint healthy = Receiver.endpoint(200);
    String slowId =
        createDestination("WEBHOOK", Map.of("url", slow.url, "maxConcurrency", 2), null);
    String failingId = webhook(failing);
    String segment = unique("seg");
    createCampaign(
        campaign(
            segmentEntered(segment),
            List.of(
                send(slowId, null, null),
                send(failingId, null, null),
                send(webhook(healthy), null, null))));
    List<String> people = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String p = unique("p");
      people.add(p);
      profile(p, Map.of(), consent());
    }

    long start = System.nanoTime();
    people.forEach(p -> membership(p, segment, Kind.ENTERED));

    // the slow one needs 20 x 2.5 s / 2 workers = 25 s; the healthy one must not wait for it
    await().atMost(Duration.ofSeconds(15)).until(() -> healthy.count() == 20);
    Duration healthyDone = Duration.ofNanos(System.nanoTime() - start);
    assertThat(healthyDone).isLessThan(Duration.ofSeconds(15));
    assertThat(slow.count()).as("the slow one is still busy").isLessThan(20);
    assertThat(slow.maxInFlight())
        .as("calls in flight to the slow one stay within its maxConcurrency")
        .isBetween(1, 2);
    await().atMost(Duration.ofSeconds(15)).until(() -> dispatcher.breakerOpen(failingId));
  }

  @Test
  void aSendOverTheDestinationsTimeoutIsRetriedWithTheSameIdempotencyKey() {
    Receiver.Endpoint stalling = Receiver.endpoint(200);
    stalling.delayMillis = 3_000;
    stalling.delayedCalls = 1; // only the first answer is late
    String destination =
        createDestination("WEBHOOK", Map.of("url", stalling.url, "timeoutMs", 500), null);
    String segment = unique("seg");
    String campaign =
        createCampaign(campaign(segmentEntered(segment), List.of(send(destination, null, null))));
    String profile = unique("p");
    profile(profile, Map.of(), consent());

    membership(profile, segment, Kind.ENTERED);

    awaitStatus(campaign, "DELIVERED", 1);
    assertThat(stalling.count()).isEqualTo(2);
    assertThat(stalling.received.stream().map(r -> r.header("Idempotency-Key")).distinct())
        .hasSize(1);
    assertThat(log(campaign).get(0).attempts()).isEqualTo(2);
  }

  @Test
  void aDeadLetterIsReplayedWithTheSameIdempotencyKeyOnceTheDestinationIsFixed() {
    AtomicBoolean fixed = new AtomicBoolean();
    Receiver.Endpoint receiver = Receiver.endpoint(call -> fixed.get() ? 200 : 400);
    String segment = unique("seg");
    String campaign =
        createCampaign(
            campaign(segmentEntered(segment), List.of(send(webhook(receiver), null, null))));
    String profile = unique("p");
    profile(profile, Map.of(), consent());

    membership(profile, segment, Kind.ENTERED);
    awaitStatus(campaign, "FAILED", 1);
    String deliveryId = log(campaign).get(0).id();
    assertThat(receiver.count()).as("a 400 is not retried").isEqualTo(1);
    api().get("/v1/workspaces/" + WS + "/dead-letters").then().statusCode(200);
    AtomicReference<List<String>> dead = new AtomicReference<>();
    dead.set(
        api()
            .get("/v1/workspaces/" + WS + "/dead-letters")
            .then()
            .extract()
            .jsonPath()
            .getList("deliveryId"));
    assertThat(dead.get()).contains(deliveryId);
    await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () ->
                Kafka.results(profile).stream()
                    .anyMatch(r -> r.status() == DeliveryResult.Status.FAILED));

    api()
        .post("/v1/workspaces/globex/dead-letters/" + deliveryId + "/replay")
        .then()
        .statusCode(403);
    fixed.set(true);
    api()
        .post("/v1/workspaces/" + WS + "/dead-letters/" + deliveryId + "/replay")
        .then()
        .statusCode(200);

    awaitStatus(campaign, "DELIVERED", 1);
    assertThat(receiver.count()).isEqualTo(2);
    assertThat(receiver.received.get(1).header("Idempotency-Key")).isEqualTo(deliveryId);
    api()
        .post("/v1/workspaces/" + WS + "/dead-letters/" + deliveryId + "/replay")
        .then()
        .statusCode(404);
  }
}
