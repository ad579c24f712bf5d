package org.opencdp.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
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
import org.opencdp.contracts.PrivacyRequest;
import org.opencdp.contracts.PrivacyStatus;
import org.opencdp.contracts.SegmentMembershipChanged.Kind;
import org.opencdp.contracts.Topics;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTest
class PrivacyTest extends ActivationTestBase {
  @Inject JourneyStore journeys;
  @Inject RedisDataSource redis;

  private static String request(String profile, PrivacyRequest.Kind kind) {
    String id = UUID.randomUUID().toString();
    Kafka.send(
        Topics.PRIVACY_REQUESTS,
        WS + ":" + profile,
        new PrivacyRequest(id, WS, kind, profile, List.of(), Instant.now()));
    await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () ->
                Kafka.collected(PrivacyStatus.TOPIC).stream()
                    .anyMatch(
                        v ->
                            v.contains(id)
                                && v.contains("activation-service")
                                && v.contains("DONE")));
    return id;
  }

  @Test
  void aDeleteRequestErasesTheDeliveryLogAndSnapshotAndAnswersDone() {
    Receiver.Endpoint hook = Receiver.endpoint(200);
    String segment = unique("seg");
    String campaign =
        createCampaign(campaign(segmentEntered(segment), List.of(send(webhook(hook), null, null))));
    String profile = unique("p");
    profile(profile, Map.of("email", profile + "@example.test"), consent());
    membership(profile, segment, Kind.ENTERED);
    awaitStatus(campaign, "DELIVERED", 1);

    request(profile, PrivacyRequest.Kind.DELETE);

    assertThat(deliveries.log(WS, null, profile, null, 10)).isEmpty();
    assertThat(profiles.find(WS, profile))
        .hasValueSatisfying(
            s -> {
              assertThat(s.deleted()).isTrue();
              assertThat(s.traits()).isEmpty();
            });
  }

  @Test
  void aDeleteRequestErasesJourneysCapsAndMessagesOfThePerson() {
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
                Map.of("max", 5, "windowSeconds", 86400)),
            "tok");
    String now = unique("Coupon Claimed");
    String later = unique("Checkout Started");
    String sent =
        createCampaign(
            campaign(Map.of("type", "EVENT", "event", now), List.of(send(sms, null, "Hi"))));
    String waiting =
        createCampaign(
            campaign(
                Map.of("type", "EVENT", "event", later),
                List.of(Map.of("type", "WAIT", "duration", "PT1H"), send(sms, null, "Back?"))));
    String profile = unique("p");
    profile(profile, Map.of("phone", "+1555222"), consent());
    event(profile, now, Map.of());
    event(profile, later, Map.of());
    awaitStatus(sent, "SENT", 1);
    await()
        .atMost(Duration.ofSeconds(45))
        .until(() -> journeys.ofCampaign(WS, waiting, profile).size() == 1);
    String capKeys = "cdp:activation:cap:" + WS + ":" + profile + ":*";
    assertThat(redis.key().keys(capKeys)).isNotEmpty();
    String deliveryId = deliveries.log(WS, sent, profile, null, 10).get(0).id();
    assertThat(deliveries.tracked(deliveryId)).isPresent();

    request(profile, PrivacyRequest.Kind.DELETE);

    assertThat(journeys.ofCampaign(WS, waiting, profile)).isEmpty();
    assertThat(redis.key().keys(capKeys)).isEmpty();
    assertThat(deliveries.tracked(deliveryId)).as("rendered message and address").isEmpty();
    clock.advance(Duration.ofMinutes(61));
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> twilio.count() == 1);
  }

  @Test
  void aSuppressedPersonReceivesNothingMore() {
    Receiver.Endpoint hook = Receiver.endpoint(200);
    String segment = unique("seg");
    String campaign =
        createCampaign(campaign(segmentEntered(segment), List.of(send(webhook(hook), null, null))));
    String profile = unique("p");
    profile(profile, Map.of(), consent());

    request(profile, PrivacyRequest.Kind.SUPPRESS);
    membership(profile, segment, Kind.ENTERED);

    awaitStatus(campaign, "SKIPPED", 1);
    assertThat(hook.count()).isZero();
  }
}
