package org.opencdp.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencdp.activation.delivery.Dispatcher;
import org.opencdp.activation.journey.JourneyStore;
import org.opencdp.activation.journey.JourneyTicker;
import org.opencdp.activation.support.ActivationTestBase;
import org.opencdp.activation.support.Kafka;
import org.opencdp.activation.support.Mail;
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
class JourneyTest extends ActivationTestBase {
  @Inject JourneyStore journeys;
  @Inject JourneyTicker ticker;
  @Inject Dispatcher dispatcher;

  private String abandonedCart(String emailDestination, String checkoutEvent) {
    Map<String, Object> definition =
        campaign(
            Map.of("type", "EVENT", "event", checkoutEvent),
            List.of(
                Map.of("type", "WAIT", "duration", "PT1H"),
                send(
                    emailDestination,
                    "{traits.firstName ?: 'Hello'}, your cart is waiting",
                    "<p>Hi {traits.firstName}, you left {event.properties.item} behind."
                        + " <a href=\"https://shop.example.test/cart\">Back to cart</a></p>")));
    definition.put("exitOn", List.of("Order Completed"));
    definition.put("defaults", Map.of("firstName", "there"));
    return createCampaign(definition);
  }

  @Test
  void abandonedCartEmailIsSentOneHourAfterCheckoutWithoutOrder() throws Exception {
    // each test its own trigger name: campaigns of other tests stay active in this workspace
    String checkout = unique("Checkout Started");
    String campaign = abandonedCart(email(), checkout);
    String profile = unique("p");
    String address = profile + "@example.test";
    profile(profile, Map.of("email", address, "firstName", "Grace"), consent());

    event(profile, checkout, Map.of("item", "a teapot"));
    await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () ->
                journeys.ofCampaign(WS, campaign, profile).stream()
                    .anyMatch(j -> j.status().equals("WAITING")));
    clock.advance(Duration.ofMinutes(59));
    await()
        .during(Duration.ofMillis(800))
        .atMost(Duration.ofSeconds(3))
        .until(() -> Mail.to(address).isEmpty());

    clock.advance(Duration.ofMinutes(2));
    await().atMost(Duration.ofSeconds(90)).until(() -> Mail.to(address).size() == 1);
    MimeMessage mail = Mail.to(address).get(0);
    assertThat(mail.getSubject()).isEqualTo("Grace, your cart is waiting");
    String html = Mail.html(mail);
    assertThat(html).contains("Hi Grace, you left a teapot behind.");
    assertThat(html)
        .doesNotContain("https://shop.example.test/cart")
        .contains("/t/c/")
        .contains("/t/o/");
    assertThat(mail.getHeader("List-Unsubscribe")[0]).contains("/unsubscribe/");
    assertThat(journeys.ofCampaign(WS, campaign, profile).get(0).status()).isEqualTo("DONE");
    awaitStatus(campaign, "SENT", 1);
  }

  @Test
  void orderCompletedWithinTheHourCancelsTheAbandonedCartEmail() {
    // each test its own trigger name: campaigns of other tests stay active in this workspace
    String checkout = unique("Checkout Started");
    String campaign = abandonedCart(email(), checkout);
    String profile = unique("p");
    String address = profile + "@example.test";
    profile(profile, Map.of("email", address), consent());

    event(profile, checkout, Map.of("item", "a kettle"));
    await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () ->
                journeys.ofCampaign(WS, campaign, profile).stream()
                    .anyMatch(j -> j.status().equals("WAITING")));
    clock.advance(Duration.ofMinutes(30));
    event(profile, "Order Completed", Map.of());
    await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () -> journeys.ofCampaign(WS, campaign, profile).get(0).status().equals("CANCELLED"));
    clock.advance(Duration.ofMinutes(45));

    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> Mail.to(address).isEmpty());
    assertThat(log(campaign)).isEmpty();
  }

  @Test
  void aJourneyBranchesOnATraitAndOnASegment() {
    Receiver.Endpoint vip = Receiver.endpoint(200);
    Receiver.Endpoint member = Receiver.endpoint(200);
    Receiver.Endpoint others = Receiver.endpoint(200);
    String segment = unique("seg");
    String loyal = unique("loyal");
    Map<String, Object> sendVip = new java.util.HashMap<>(send(webhook(vip), null, "vip"));
    sendVip.put("next", -1);
    Map<String, Object> sendLoyal = new java.util.HashMap<>(send(webhook(member), null, "loyal"));
    sendLoyal.put("next", -1);
    createCampaign(
        campaign(
            segmentEntered(segment),
            List.of(
                Map.of(
                    "type",
                    "BRANCH",
                    "condition",
                    Map.of("trait", "tier", "equals", "vip"),
                    "ifTrue",
                    2,
                    "ifFalse",
                    1),
                Map.of(
                    "type",
                    "BRANCH",
                    "condition",
                    Map.of("segmentId", loyal),
                    "ifTrue",
                    3,
                    "ifFalse",
                    4),
                sendVip,
                sendLoyal,
                send(webhook(others), null, "others"))));
    String a = unique("p");
    String b = unique("p");
    String c = unique("p");
    profile(a, Map.of("tier", "vip"), consent());
    profile(b, Map.of("tier", "basic"), consent());
    profile(c, Map.of(), consent());
    membership(b, loyal, Kind.ENTERED);
    await().atMost(Duration.ofSeconds(45)).until(() -> profiles.isMember(WS, b, loyal));

    List.of(a, b, c).forEach(p -> membership(p, segment, Kind.ENTERED));

    await()
        .atMost(Duration.ofSeconds(45))
        .until(() -> vip.count() + member.count() + others.count() == 3);
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> vip.count() + member.count() + others.count() == 3);
    assertThat(vip.received).singleElement().satisfies(r -> assertThat(r.body()).contains(a));
    assertThat(member.received).singleElement().satisfies(r -> assertThat(r.body()).contains(b));
    assertThat(others.received).singleElement().satisfies(r -> assertThat(r.body()).contains(c));
  }

  @Test
  void aJourneyWaitingWhenTheServiceStopsResumesFromPostgresAfterRestart() {
    Receiver.Endpoint hook = Receiver.endpoint(200);
    String segment = unique("seg");
    String campaign =
        createCampaign(
            campaign(
                segmentEntered(segment),
                List.of(
                    Map.of("type", "WAIT", "duration", "PT2H"), send(webhook(hook), null, null))));
    String profile = unique("p");
    profile(profile, Map.of(), consent());
    membership(profile, segment, Kind.ENTERED);
    await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () ->
                journeys.ofCampaign(WS, campaign, profile).stream()
                    .anyMatch(j -> j.status().equals("WAITING")));

    // the instance goes down in the middle of the delay: timers and workers stop, memory is lost
    ticker.stop();
    dispatcher.stop();
    clock.advance(Duration.ofHours(3));
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> hook.count() == 0);

    // a new instance starts with nothing but PostgreSQL
    dispatcher.start();
    ticker.start();
    await().atMost(Duration.ofSeconds(45)).until(() -> hook.count() == 1);
    awaitStatus(campaign, "DELIVERED", 1);
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> hook.count() == 1);
  }

  @Test
  void anEntryThatOvertakesTheProfileWaitsForItsSnapshotAndIsDeliveredWhenItArrives() {
    Receiver.Endpoint hook = Receiver.endpoint(200);
    String segment = unique("seg");
    String campaign =
        createCampaign(campaign(segmentEntered(segment), List.of(send(webhook(hook), null, null))));
    String profile = unique("p");

    // the segment-service is ahead of the profile-service: the entry comes first
    membership(profile, segment, Kind.ENTERED);
    JourneyStore.JourneyView journey = waitingJourney(campaign, profile);
    assertThat(journey.detail()).isEqualTo(JourneyStore.WAITING_FOR_PROFILE);
    // let the waits grow to the longest one (1 min): only the arrival can wake it before that
    while (Duration.between(clock.instant(), journey.nextAt()).toSeconds() < 50) {
      journey = nextWait(campaign, profile, journey);
      assertThat(journey.status()).isEqualTo("WAITING");
    }
    assertThat(hook.count()).isZero();

    profile(profile, Map.of(), consent());
    await().atMost(Duration.ofSeconds(30)).until(() -> hook.count() == 1);
    awaitStatus(campaign, "DELIVERED", 1);
  }

  @Test
  void aStepWhoseProfileSnapshotNeverArrivesEndsSkippedWithTheReason() {
    Receiver.Endpoint hook = Receiver.endpoint(200);
    String segment = unique("seg");
    String campaign =
        createCampaign(campaign(segmentEntered(segment), List.of(send(webhook(hook), null, null))));
    String profile = unique("p");

    membership(profile, segment, Kind.ENTERED);
    JourneyStore.JourneyView journey = waitingJourney(campaign, profile);
    for (int waits = 0; journey.status().equals("WAITING") && waits < 20; waits++) {
      journey = nextWait(campaign, profile, journey);
    }

    assertThat(journey.status()).isEqualTo("DONE");
    awaitStatus(campaign, "SKIPPED", 1);
    assertThat(log(campaign))
        .singleElement()
        .satisfies(e -> assertThat(e.detail()).isEqualTo("profile snapshot never arrived"));
    await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () ->
                Kafka.results(profile).stream()
                    .anyMatch(r -> r.status() == DeliveryResult.Status.SKIPPED));
    assertThat(hook.count()).isZero();
  }

  private JourneyStore.JourneyView waitingJourney(String campaign, String profile) {
    await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () ->
                journeys.ofCampaign(WS, campaign, profile).stream()
                    .anyMatch(j -> j.status().equals("WAITING")));
    return journeys.ofCampaign(WS, campaign, profile).get(0);
  }

  /** Moves the clock past the journey's wait; returns it parked again (a new wait) or ended. */
  private JourneyStore.JourneyView nextWait(
      String campaign, String profile, JourneyStore.JourneyView parked) {
    clock.advance(Duration.between(clock.instant(), parked.nextAt()).plusSeconds(1));
    await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () -> {
              JourneyStore.JourneyView now = journeys.ofCampaign(WS, campaign, profile).get(0);
              return now.status().equals("DONE")
                  || (now.status().equals("WAITING") && !now.nextAt().equals(parked.nextAt()));
            });
    return journeys.ofCampaign(WS, campaign, profile).get(0);
  }
}
