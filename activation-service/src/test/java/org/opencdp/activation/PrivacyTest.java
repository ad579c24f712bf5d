package org.opencdp.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
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
