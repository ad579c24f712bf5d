package org.opencdp.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencdp.activation.delivery.WebhookSender;
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
class TriggerTest extends ActivationTestBase {

  @Test
  void segmentEntrySendsASignedWebhookAndPublishesDelivered() throws Exception {
    Receiver.Endpoint hook = Receiver.endpoint(200);
    String destination =
        createDestination(
            "WEBHOOK", Map.of("url", hook.url, "headers", Map.of("X-Team", "growth")), "s3cret");
    String segment = unique("seg");
    String campaign =
        createCampaign(
            campaign(
                segmentEntered(segment),
                List.of(send(destination, null, "Hi {traits.firstName}"))));
    String profile = unique("p");
    profile(profile, Map.of("firstName", "Ada"), consent());

    membership(profile, segment, Kind.ENTERED);

    await().atMost(Duration.ofSeconds(45)).until(() -> hook.count() == 1);
    Receiver.Request request = hook.received.get(0);
    assertThat(request.header("X-Team")).isEqualTo("growth");
    assertThat(request.header("X-CDP-Signature"))
        .isEqualTo(
            "sha256="
                + WebhookSender.sign("s3cret", request.header("X-CDP-Timestamp"), request.body()));
    JsonNode body = Kafka.JSON.readTree(request.body());
    assertThat(body.path("profileId").asText()).isEqualTo(profile);
    assertThat(body.path("message").asText()).isEqualTo("Hi Ada");
    assertThat(body.path("trigger").path("segment").path("id").asText()).isEqualTo(segment);
    assertThat(request.header("Idempotency-Key")).isEqualTo(body.path("deliveryId").asText());
    awaitStatus(campaign, "DELIVERED", 1);
    await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () ->
                Kafka.results(profile).stream()
                    .anyMatch(r -> r.status() == DeliveryResult.Status.DELIVERED));
  }

  @Test
  void aRepeatedMembershipMessageSendsNothingTwice() {
    Receiver.Endpoint hook = Receiver.endpoint(200);
    String segment = unique("seg");
    String campaign =
        createCampaign(campaign(segmentEntered(segment), List.of(send(webhook(hook), null, null))));
    String profile = unique("p");
    profile(profile, Map.of(), consent());
    var change =
        new org.opencdp.contracts.SegmentMembershipChanged(
            "change-" + profile,
            WS,
            profile,
            segment,
            "s",
            1,
            Kind.ENTERED,
            "test",
            java.time.Instant.now());
    Kafka.send("cdp.segments.membership", WS + ":" + profile, change);
    Kafka.send("cdp.segments.membership", WS + ":" + profile, change);

    awaitStatus(campaign, "DELIVERED", 1);
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> hook.count() == 1);
    assertThat(log(campaign)).hasSize(1);
  }

  @Test
  void segmentExitRemovesTheMemberFromTheAudienceInBatches() throws Exception {
    Receiver.Endpoint api = Receiver.endpoint(200);
    String audience =
        createDestination(
            "AUDIENCE",
            Map.of("baseUrl", api.url, "audienceId", "aud-1", "batchSize", 10),
            "ads-token");
    String segment = unique("seg");
    createCampaign(campaign(segmentEntered(segment), List.of(send(audience, null, null))));
    createCampaign(
        campaign(
            Map.of("type", "SEGMENT_EXITED", "segmentId", segment),
            List.of(send(audience, null, null))));
    List<String> members = List.of(unique("p"), unique("p"), unique("p"));
    for (String p : members) {
      profile(p, Map.of("email", " " + p.toUpperCase() + "@Example.test"), consent());
    }
    members.forEach(p -> membership(p, segment, Kind.ENTERED));

    await()
        .atMost(Duration.ofSeconds(45))
        .until(() -> api.received.stream().mapToInt(r -> count(r.body(), "add")).sum() == 3);
    assertThat(api.count()).as("three adds in fewer calls than members").isLessThanOrEqualTo(2);
    Receiver.Request first = api.received.get(0);
    assertThat(first.path()).endsWith("/audiences/aud-1/members");
    assertThat(first.header("Authorization")).isEqualTo("Bearer ads-token");
    String expected =
        java.util.HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest((members.get(0) + "@example.test").getBytes(StandardCharsets.UTF_8)));
    assertThat(String.join("", api.received.stream().map(Receiver.Request::body).toList()))
        .contains(expected);

    membership(members.get(1), segment, Kind.EXITED);
    await()
        .atMost(Duration.ofSeconds(45))
        .until(() -> api.received.stream().mapToInt(r -> count(r.body(), "remove")).sum() == 1);
  }

  @Test
  void anEventMatchingTheFilterSendsAnSmsInTwilioShape() {
    Receiver.Endpoint twilio = Receiver.endpoint(201);
    String sms =
        createDestination(
            "SMS",
            Map.of("baseUrl", twilio.url, "accountSid", "AC123", "from", "+15550000"),
            "auth-tok");
    String campaign =
        createCampaign(
            campaign(
                Map.of("type", "EVENT", "event", "Trial Started", "where", Map.of("plan", "pro")),
                List.of(
                    send(
                        sms,
                        null,
                        "Welcome to {event.properties.plan}, {traits.firstName ?: 'friend'}!"))));
    String profile = unique("p");
    profile(profile, Map.of("phone", "+15551234"), consent());

    event(profile, "Trial Started", Map.of("plan", "basic"));
    event(profile, "Trial Started", Map.of("plan", "pro"));

    awaitStatus(campaign, "SENT", 1);
    assertThat(twilio.count()).isEqualTo(1);
    Receiver.Request request = twilio.received.get(0);
    assertThat(request.path()).endsWith("/2010-04-01/Accounts/AC123/Messages.json");
    assertThat(request.header("Authorization"))
        .isEqualTo("Basic " + Base64.getEncoder().encodeToString("AC123:auth-tok".getBytes()));
    String form = URLDecoder.decode(request.body(), StandardCharsets.UTF_8);
    assertThat(form)
        .contains("To=+15551234")
        .contains("From=+15550000")
        .contains("Body=Welcome to pro, friend!");
    assertThat(log(campaign)).hasSize(1);
  }

  @Test
  void theSmsProvidersStatusCallbackReportsDelivered() {
    Receiver.Endpoint twilio = Receiver.endpoint(201);
    String sms =
        createDestination(
            "SMS", Map.of("baseUrl", twilio.url, "accountSid", "AC9", "from", "+1555"), "tok");
    String trigger = unique("Code Requested");
    String campaign =
        createCampaign(
            campaign(Map.of("type", "EVENT", "event", trigger), List.of(send(sms, null, "1234"))));
    String profile = unique("p");
    profile(profile, Map.of("phone", "+15559876"), consent());
    event(profile, trigger, Map.of());
    awaitStatus(campaign, "SENT", 1);
    String form = URLDecoder.decode(twilio.received.get(0).body(), StandardCharsets.UTF_8);
    String callback = form.substring(form.indexOf("StatusCallback=") + "StatusCallback=".length());
    String deliveryId = callback.substring(callback.lastIndexOf('/') + 1);
    assertThat(deliveryId).isEqualTo(log(campaign).get(0).id());

    io.restassured.RestAssured.given()
        .formParam("MessageStatus", "delivered")
        .post("/t/sms/" + deliveryId)
        .then()
        .statusCode(org.hamcrest.Matchers.lessThan(300));

    await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () ->
                Kafka.results(profile).stream()
                    .anyMatch(r -> r.status() == DeliveryResult.Status.DELIVERED));
  }

  @Test
  void aKafkaDestinationReceivesTheDeliveryDocument() {
    String topic = unique("crm-feed");
    String destination = createDestination("KAFKA", Map.of("topic", topic), null);
    String segment = unique("seg");
    String campaign =
        createCampaign(campaign(segmentEntered(segment), List.of(send(destination, null, null))));
    String profile = unique("p");
    profile(profile, Map.of("plan", "pro"), consent());

    membership(profile, segment, Kind.ENTERED);

    awaitStatus(campaign, "DELIVERED", 1);
    await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () ->
                Kafka.collected(topic).stream()
                    .anyMatch(v -> v.contains(profile) && v.contains("\"plan\":\"pro\"")));
  }

  private static int count(String body, String field) {
    try {
      return Kafka.JSON.readTree(body).path(field).size();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aBurstOfProfileSnapshotsKeepsTheNewestVersionOfEachProfile() {
    List<String> ids = List.of(unique("p"), unique("p"), unique("p"));
    // out of order and interleaved, as a poll can hold them: rounds and one statement per round
    for (long version : new long[] {3, 1, 2}) {
      for (String id : ids) {
        Kafka.send(
            org.opencdp.contracts.Topics.PROFILES_CHANGED,
            WS + ":" + id,
            new org.opencdp.contracts.ProfileChanged(
                WS,
                id,
                version,
                List.of("traits"),
                Map.of("plan", "v" + version),
                Map.of(),
                Map.of("marketing", version != 2),
                List.of(),
                null,
                java.time.Instant.now(),
                false));
      }
    }
    for (String id : ids) {
      await()
          .atMost(Duration.ofSeconds(45))
          .until(() -> profiles.find(WS, id).map(s -> s.version() == 3).orElse(false));
    }
    // the late versions 1 and 2 changed nothing
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(
            () ->
                ids.stream()
                    .allMatch(
                        id ->
                            profiles
                                .find(WS, id)
                                .map(
                                    s ->
                                        s.version() == 3
                                            && "v3".equals(s.traits().get("plan"))
                                            && Boolean.TRUE.equals(s.consent().get("marketing")))
                                .orElse(false)));
  }
}
