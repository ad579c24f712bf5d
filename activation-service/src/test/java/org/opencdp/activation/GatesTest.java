package org.opencdp.activation;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
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
class GatesTest extends ActivationTestBase {

  private static String path(String url) {
    return URI.create(url).getRawPath();
  }

  @Test
  void nothingIsSentWithoutConsentForTheCampaignsCategory() {
    Receiver.Endpoint hook = Receiver.endpoint(200);
    String segment = unique("seg");
    String campaign =
        createCampaign(campaign(segmentEntered(segment), List.of(send(webhook(hook), null, null))));
    String refused = unique("p");
    String unknown = unique("p");
    profile(refused, Map.of(), Map.of("marketing", false));
    profile(unknown, Map.of(), Map.of("analytics", true));

    membership(refused, segment, Kind.ENTERED);
    membership(unknown, segment, Kind.ENTERED);

    awaitStatus(campaign, "SKIPPED", 2);
    assertThat(log(campaign))
        .allSatisfy(e -> assertThat(e.detail()).isEqualTo("no consent for marketing"));
    assertThat(hook.count()).isZero();
    await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () ->
                Kafka.results(refused).stream()
                    .anyMatch(r -> r.status() == DeliveryResult.Status.SKIPPED));
  }

  @Test
  void theUnsubscribeLinkRefusesConsentStopsSendingAndTellsThePlatform() throws Exception {
    String emailDestination = email();
    String segment = unique("seg");
    String campaign =
        createCampaign(
            campaign(
                segmentEntered(segment),
                List.of(
                    send(
                        emailDestination,
                        "News",
                        "<a href=\"{unsubscribeUrl}\">Unsubscribe</a>"))));
    String profile = unique("p");
    String address = profile + "@example.test";
    profile(profile, Map.of("email", address), consent());
    membership(profile, segment, Kind.ENTERED);
    await().atMost(Duration.ofSeconds(90)).until(() -> Mail.to(address).size() == 1);
    String html = Mail.html(Mail.to(address).get(0));
    Matcher link = Pattern.compile("href=\"([^\"]*/unsubscribe/[^\"]*)\"").matcher(html);
    assertThat(link.find()).isTrue();

    given().get(path(link.group(1))).then().statusCode(200);
    assertThat(Kafka.results(profile))
        .noneMatch(r -> r.status() == DeliveryResult.Status.UNSUBSCRIBED);
    given().post(path(link.group(1))).then().statusCode(200);

    await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () ->
                Kafka.results(profile).stream()
                    .anyMatch(
                        r ->
                            r.status() == DeliveryResult.Status.UNSUBSCRIBED
                                && "marketing".equals(r.consentCategory())));
    membership(profile, segment, Kind.EXITED);
    membership(profile, segment, Kind.ENTERED);
    awaitStatus(campaign, "SKIPPED", 1);
    assertThat(Mail.to(address)).hasSize(1);
    api()
        .get("/v1/workspaces/" + WS + "/campaigns/" + campaign + "/stats")
        .then()
        .statusCode(200)
        .body("unsubscribed", equalTo(1))
        .body("sent", equalTo(1));
  }

  @Test
  void theFrequencyCapLimitsMessagesPerProfileAndChannel() {
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
    String campaign =
        createCampaign(
            campaign(
                Map.of("type", "EVENT", "event", "Price Dropped"),
                List.of(send(sms, null, "Deal!"))));
    String capped = unique("p");
    String other = unique("p");
    profile(capped, Map.of("phone", "+1555000"), consent());
    profile(other, Map.of("phone", "+1555001"), consent());

    for (int i = 0; i < 3; i++) {
      event(capped, "Price Dropped", Map.of());
    }
    event(other, "Price Dropped", Map.of());

    await().atMost(Duration.ofSeconds(45)).until(() -> log(campaign).size() == 4);
    awaitStatus(campaign, "SENT", 3);
    assertThat(deliveries.log(WS, campaign, capped, "SKIPPED", 10))
        .singleElement()
        .satisfies(e -> assertThat(e.detail()).isEqualTo("frequency cap"));
    assertThat(deliveries.log(WS, campaign, other, "SENT", 10)).hasSize(1);
  }

  @Test
  void quietHoursInTheProfilesTimeZoneDeferTheMessageToTheMorning() {
    String emailDestination = email();
    String campaign =
        createCampaign(
            campaign(
                Map.of("type", "EVENT", "event", "Wishlist Updated"),
                List.of(send(emailDestination, "Saved for you", "<p>Still thinking?</p>"))));
    // a zone where it is 23:00 now
    Instant now = clock.instant();
    int utcHour = now.atZone(ZoneOffset.UTC).getHour();
    int offset = Math.floorMod(23 - utcHour + 12, 24) - 12;
    String zone = ZoneOffset.ofHours(offset).getId();
    String profile = unique("p");
    String address = profile + "@example.test";
    profile(profile, Map.of("email", address, "timezone", zone), consent());

    event(profile, "Wishlist Updated", Map.of());

    awaitStatus(campaign, "SCHEDULED", 1);
    var entry = log(campaign).get(0);
    var localResume = entry.nextAttemptAt().atZone(ZoneOffset.of(zone));
    assertThat(localResume.getHour()).isEqualTo(8);
    assertThat(localResume.getMinute()).isZero();
    assertThat(Duration.between(now, entry.nextAttemptAt()))
        .isBetween(Duration.ofHours(8), Duration.ofHours(10));
    await()
        .during(Duration.ofMillis(600))
        .atMost(Duration.ofSeconds(2))
        .until(() -> Mail.to(address).isEmpty());

    clock.advance(Duration.ofHours(10));
    await().atMost(Duration.ofSeconds(90)).until(() -> Mail.to(address).size() == 1);
  }

  @Test
  void templatesFallBackForMissingValuesAndNeverSendAnUnrenderedPlaceholder() throws Exception {
    Receiver.Endpoint hook = Receiver.endpoint(200);
    String destination = webhook(hook);
    String segment = unique("seg");
    Map<String, Object> withFallbacks =
        campaign(
            segmentEntered(segment),
            List.of(
                send(
                    destination,
                    null,
                    "Hello {traits.firstName}, from {traits.city ?: 'your town'}")));
    withFallbacks.put("defaults", Map.of("firstName", "there"));
    String fallbackCampaign = createCampaign(withFallbacks);
    String strictCampaign =
        createCampaign(
            campaign(
                segmentEntered(segment),
                List.of(send(destination, null, "Hello {traits.lastName}"))));
    String profile = unique("p");
    profile(profile, Map.of("firstName", ""), consent());

    membership(profile, segment, Kind.ENTERED);

    awaitStatus(fallbackCampaign, "DELIVERED", 1);
    awaitStatus(strictCampaign, "SKIPPED", 1);
    assertThat(hook.received)
        .singleElement()
        .satisfies(
            r ->
                assertThat(Kafka.JSON.readTree(r.body()).path("message").asText())
                    .isEqualTo("Hello there, from your town"));
    assertThat(log(strictCampaign).get(0).detail())
        .startsWith("template value missing: traits.lastName");

    api()
        .body(Map.of("profileId", profile))
        .post("/v1/workspaces/" + WS + "/campaigns/" + fallbackCampaign + "/preview")
        .then()
        .statusCode(200)
        .body("[0].body", equalTo("Hello there, from your town"));
    api()
        .body(Map.of("profileId", profile))
        .post("/v1/workspaces/" + WS + "/campaigns/" + strictCampaign + "/preview")
        .then()
        .statusCode(200)
        .body("[0].missing", equalTo("traits.lastName"));
  }

  @Test
  void opensAndClicksAreTrackedAndRedirectOnlyToTheMessagesLinks() throws Exception {
    String emailDestination = email();
    String segment = unique("seg");
    String campaign =
        createCampaign(
            campaign(
                segmentEntered(segment),
                List.of(
                    send(
                        emailDestination,
                        "Hi",
                        "<a href=\"https://shop.example.test/sale?x=1\">Sale</a>"))));
    String profile = unique("p");
    String address = profile + "@example.test";
    profile(profile, Map.of("email", address), consent());
    membership(profile, segment, Kind.ENTERED);
    await().atMost(Duration.ofSeconds(90)).until(() -> Mail.to(address).size() == 1);
    String html = Mail.html(Mail.to(address).get(0));
    Matcher click = Pattern.compile("href=\"([^\"]*/t/c/[^\"]*)\"").matcher(html);
    Matcher open = Pattern.compile("src=\"([^\"]*/t/o/[^\"]*)\"").matcher(html);
    assertThat(click.find()).isTrue();
    assertThat(open.find()).isTrue();

    given().get(path(open.group(1))).then().statusCode(200).contentType("image/gif");
    given()
        .redirects()
        .follow(false)
        .get(path(click.group(1)))
        .then()
        .statusCode(302)
        .header("Location", "https://shop.example.test/sale?x=1");
    String other = path(click.group(1)).replaceAll("/0$", "/1");
    given()
        .redirects()
        .follow(false)
        .get(other)
        .then()
        .statusCode(404)
        .contentType("application/problem+json");

    await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () -> {
              List<DeliveryResult> results = Kafka.results(profile);
              return results.stream().anyMatch(r -> r.status() == DeliveryResult.Status.OPENED)
                  && results.stream()
                      .anyMatch(
                          r ->
                              r.status() == DeliveryResult.Status.CLICKED
                                  && "https://shop.example.test/sale?x=1".equals(r.url()));
            });
    Map<String, Object> stats =
        new HashMap<>(
            api()
                .get("/v1/workspaces/" + WS + "/campaigns/" + campaign + "/stats")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap(""));
    assertThat(stats)
        .containsEntry("opened", 1)
        .containsEntry("clicked", 1)
        .containsEntry("sent", 1);
  }
}
