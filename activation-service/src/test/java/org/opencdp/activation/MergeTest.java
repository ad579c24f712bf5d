package org.opencdp.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencdp.activation.journey.JourneyStore;
import org.opencdp.activation.support.ActivationTestBase;
import org.opencdp.activation.support.Kafka;
import org.opencdp.activation.support.Receiver;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.contracts.Topics;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

/**
 * Identity merges on {@code cdp.identity.merges}: journeys, the delivery log and frequency caps of
 * the merged (anonymous) profile follow the survivor (the identified visitor), once per change.
 */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTest
class MergeTest extends ActivationTestBase {
  @Inject JourneyStore journeys;
  @Inject Pool pool;

  private String abandonedCart(String destination, String checkout) {
    Map<String, Object> definition =
        campaign(
            Map.of("type", "EVENT", "event", checkout),
            List.of(
                Map.of("type", "WAIT", "duration", "PT1H"),
                send(destination, null, "Hi {traits.firstName ?: 'there'}, your cart is waiting")));
    definition.put("exitOn", List.of("Order Completed"));
    return createCampaign(definition);
  }

  /** Publishes a MERGED change and returns it (to publish it again). */
  private static IdentityChange merge(String merged, String survivor) {
    IdentityChange change =
        new IdentityChange(
            UUID.randomUUID().toString(),
            WS,
            IdentityChange.Kind.MERGED,
            survivor,
            merged,
            List.of(),
            "identified",
            null,
            Instant.now());
    Kafka.send(Topics.IDENTITY_MERGES, WS + ":" + survivor, change);
    return change;
  }

  private void awaitJourney(String campaign, String profile, String status) {
    await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () ->
                journeys.ofCampaign(WS, campaign, profile).stream()
                    .anyMatch(j -> j.status().equals(status)));
  }

  private boolean aliased(String merged) {
    return pool.preparedQuery(
                "select 1 from act_profile_alias where workspace_id = $1 and merged_id = $2")
            .executeAndAwait(Tuple.of(WS, merged))
            .rowCount()
        > 0;
  }

  @Test
  void anAbandonedCartStartedAnonymouslyContinuesForTheIdentifiedVisitor() {
    Receiver.Endpoint hook = Receiver.endpoint(200);
    String checkout = unique("Checkout Started");
    String campaign = abandonedCart(webhook(hook), checkout);
    String anonymous = unique("anon");
    String known = unique("known");
    profile(anonymous, Map.of(), consent());
    event(anonymous, checkout, Map.of());
    awaitJourney(campaign, anonymous, "WAITING");

    merge(anonymous, known);
    profile(known, Map.of("firstName", "Ada"), consent());
    awaitJourney(campaign, known, "WAITING");
    assertThat(journeys.ofCampaign(WS, campaign, anonymous)).isEmpty();

    clock.advance(Duration.ofMinutes(61));
    await().atMost(Duration.ofSeconds(60)).until(() -> hook.count() == 1);
    assertThat(hook.received.get(0).body())
        .contains("\"profileId\":\"" + known + "\"")
        .contains("Hi Ada, your cart is waiting");
    // the delivery is recorded DELIVERED once the receiver's answer is back, just after it arrived
    await()
        .atMost(Duration.ofSeconds(45))
        .until(() -> deliveries.log(WS, campaign, known, "DELIVERED", 10).size() == 1);
  }

  @Test
  void anOrderCompletedByTheIdentifiedVisitorCancelsTheAnonymousCart() {
    Receiver.Endpoint hook = Receiver.endpoint(200);
    String checkout = unique("Checkout Started");
    String campaign = abandonedCart(webhook(hook), checkout);
    String anonymous = unique("anon");
    String known = unique("known");
    profile(anonymous, Map.of(), consent());
    profile(known, Map.of(), consent());
    event(anonymous, checkout, Map.of());
    awaitJourney(campaign, anonymous, "WAITING");

    merge(anonymous, known);
    await().atMost(Duration.ofSeconds(45)).until(() -> aliased(anonymous));
    event(known, "Order Completed", Map.of());

    awaitJourney(campaign, known, "CANCELLED");
    clock.advance(Duration.ofMinutes(61));
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> hook.count() == 0);
    assertThat(log(campaign)).isEmpty();
  }

  @Test
  void anOrderCompletedBeforeTheMergeArrivesStillCancelsTheMovedCart() {
    Receiver.Endpoint hook = Receiver.endpoint(200);
    String checkout = unique("Checkout Started");
    String campaign = abandonedCart(webhook(hook), checkout);
    String anonymous = unique("anon");
    String known = unique("known");
    profile(anonymous, Map.of(), consent());
    profile(known, Map.of(), consent());
    event(anonymous, checkout, Map.of());
    awaitJourney(campaign, anonymous, "WAITING");

    // the events topic and the merges topic are not ordered with each other
    event(known, "Order Completed", Map.of());
    await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () ->
                pool.preparedQuery(
                            "select 1 from act_exit_seen where workspace_id = $1 and"
                                + " campaign_id = $2 and profile_id = $3")
                        .executeAndAwait(Tuple.of(WS, campaign, known))
                        .rowCount()
                    > 0);
    merge(anonymous, known);

    awaitJourney(campaign, known, "CANCELLED");
    clock.advance(Duration.ofMinutes(61));
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> hook.count() == 0);
  }

  @Test
  void frequencyCapsCountAcrossBothProfilesAndARepeatedMergeMovesNothingTwice() {
    Receiver.Endpoint twilio = Receiver.endpoint(201);
    String sms =
        createDestination(
            "SMS",
            Map.of(
                "baseUrl",
                twilio.url,
                "accountSid",
                "AC1",
                "from",
                "+1555",
                "frequencyCap",
                Map.of("max", 2, "windowSeconds", 86400)),
            "tok");
    String trigger = unique("Price Dropped");
    String campaign =
        createCampaign(
            campaign(Map.of("type", "EVENT", "event", trigger), List.of(send(sms, null, "Deal!"))));
    String anonymous = unique("anon");
    String known = unique("known");
    profile(anonymous, Map.of("phone", "+1555100"), consent());
    profile(known, Map.of("phone", "+1555101"), consent());
    event(anonymous, trigger, Map.of());
    awaitStatus(campaign, "SENT", 1);

    IdentityChange change = merge(anonymous, known);
    await().atMost(Duration.ofSeconds(45)).until(() -> aliased(anonymous));
    Kafka.send(Topics.IDENTITY_MERGES, WS + ":" + known, change); // redelivered

    event(known, trigger, Map.of());
    awaitStatus(campaign, "SENT", 2);
    event(known, trigger, Map.of());
    await()
        .atMost(Duration.ofSeconds(45))
        .until(() -> deliveries.log(WS, campaign, known, "SKIPPED", 10).size() == 1);
    assertThat(deliveries.log(WS, campaign, known, "SKIPPED", 10).get(0).detail())
        .isEqualTo("frequency cap");
    // the anonymous delivery now belongs to the survivor's log, once
    assertThat(deliveries.log(WS, campaign, known, "SENT", 10)).hasSize(2);
    assertThat(deliveries.log(WS, campaign, anonymous, null, 10)).isEmpty();
    assertThat(twilio.count()).isEqualTo(2);
  }

  @Test
  void aLateMessageUnderTheMergedIdReachesTheSurvivor() {
    Receiver.Endpoint hook = Receiver.endpoint(200);
    String trigger = unique("Wishlist Shared");
    String campaign =
        createCampaign(
            campaign(
                Map.of("type", "EVENT", "event", trigger),
                List.of(send(webhook(hook), null, "x"))));
    String anonymous = unique("anon");
    String known = unique("known");
    profile(known, Map.of(), consent());
    merge(anonymous, known);
    await().atMost(Duration.ofSeconds(45)).until(() -> aliased(anonymous));

    event(anonymous, trigger, Map.of());

    awaitStatus(campaign, "DELIVERED", 1);
    assertThat(log(campaign).get(0).profileId()).isEqualTo(known);
  }
}
