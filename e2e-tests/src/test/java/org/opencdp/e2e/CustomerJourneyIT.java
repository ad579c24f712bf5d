package org.opencdp.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.e2e.Http.encode;
import static org.opencdp.e2e.Platform.ACTIVATION;
import static org.opencdp.e2e.Platform.GATEWAY;
import static org.opencdp.e2e.Platform.IDENTITY;
import static org.opencdp.e2e.Platform.PROFILE;
import static org.opencdp.e2e.Platform.SEGMENT;
import static org.opencdp.e2e.Platform.SHOP;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.segment.analytics.Analytics;
import com.segment.analytics.Callback;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.Message;
import com.segment.analytics.messages.PageMessage;
import com.segment.analytics.messages.TrackMessage;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencdp.launcher.WebhookReceiver;
import org.opencdp.testsupport.FreePorts;

/**
 * One customer's whole life on the platform, through public interfaces only: the real Segment SDK
 * for Java and a CSV import in, the five services' APIs, a webhook receiver and an SMTP server out,
 * and a privacy delete at the end.
 */
@ExtendWith(Platform.Extension.class)
class CustomerJourneyIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String WEBHOOK_SECRET = "e2e-webhook-signing-secret";

  private static GreenMail smtp;
  private static WebhookReceiver webhook;

  private final Platform platform;
  private final Http shop = new Http(SHOP.token());
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String anonymousId = "anon-" + run;
  private final String userId = "user-" + run;
  private final String email = "ada." + run + "@analytical-engines.test";
  private final String storeReceipt = "store-receipt-" + run;
  private final String segmentId = "repeat-buyers-" + run;

  CustomerJourneyIT(Platform platform) {
    this.platform = platform;
  }

  @BeforeAll
  static void receivers() {
    smtp = new GreenMail(new ServerSetup(FreePorts.next(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    webhook = new WebhookReceiver();
  }

  @AfterAll
  static void stopReceivers() {
    smtp.stop();
    webhook.close();
  }

  @Test
  void aVisitorBecomesOneProfileIsActivatedOnEveryChannelAndIsErasedOnRequest() throws Exception {
    marketerPreparesTraitsSegmentAndCampaigns();

    sendThroughTheSegmentSdk();
    String importJob = importStorePurchase();

    String profileId = assertOneMergedProfile();
    assertTraitsComputedTraitsAndTimeline(profileId, importJob);
    assertSegmentEntry(profileId);
    assertSignedPersonalisedWebhook(profileId);
    assertPersonalisedEmail();
    assertDeliveryResultsOnTimeline(profileId);

    eraseAndAssertNothingRemains(profileId);
  }

  // ---- setup: what a marketer declares before the customer arrives ---------------------------

  private void marketerPreparesTraitsSegmentAndCampaigns() {
    shop.put(
            url(PROFILE, "/v1/computed-traits/lifetime_revenue"),
            """
            {"aggregation":"SUM","event":"Order Completed","property":"revenue"}""")
        .expect(200);
    shop.put(
            url(PROFILE, "/v1/computed-traits/order_count"),
            """
            {"aggregation":"COUNT","event":"Order Completed"}""")
        .expect(200);
    shop.post(
            url(SEGMENT, "/v1/workspaces/shop/segments"),
            """
            {"id":"%s","name":"Repeat buyers",
             "condition":{"all":[{"computed":"order_count","op":"gte","value":3},
                                 {"computed":"lifetime_revenue","op":"gt","value":100}]}}"""
                .formatted(segmentId))
        .expect(201);

    String hook =
        shop.post(
                url(ACTIVATION, "/v1/workspaces/shop/destinations"),
                """
                {"name":"CRM webhook %s","type":"WEBHOOK","config":{"url":"%s"},"secret":"%s"}"""
                    .formatted(run, webhook.url(), WEBHOOK_SECRET))
            .expect(201)
            .path("id")
            .asText();
    String mail =
        shop.post(
                url(ACTIVATION, "/v1/workspaces/shop/destinations"),
                """
                {"name":"Shop mail %s","type":"EMAIL",
                 "config":{"host":"127.0.0.1","port":%d,"from":"shop@analytical-engines.test",
                           "startTls":"DISABLED"}}"""
                    .formatted(run, smtp.getSmtp().getPort()))
            .expect(201)
            .path("id")
            .asText();
    campaign(
        "Repeat buyer webhook",
        hook,
        null,
        "Hello {traits.firstName ?: 'there'}, you are now in {segment.name}!");
    campaign(
        "Repeat buyer email",
        mail,
        "{traits.firstName}, thank you for your orders",
        "<p>Dear {traits.firstName}, welcome to {segment.name}.</p>");
  }

  /** A campaign of one SEND step on entering the segment, for people who accepted marketing. */
  private void campaign(String name, String destinationId, String subject, String template) {
    ObjectNode campaign = Http.JSON.createObjectNode();
    campaign.put("name", name + " " + run).put("consentCategory", "marketing");
    campaign.putObject("trigger").put("type", "SEGMENT_ENTERED").put("segmentId", segmentId);
    ObjectNode send =
        campaign
            .putArray("steps")
            .addObject()
            .put("type", "SEND")
            .put("destinationId", destinationId)
            .put("template", template);
    if (subject != null) {
      send.put("subject", subject);
    }
    shop.post(url(ACTIVATION, "/v1/workspaces/shop/campaigns"), campaign.toString()).expect(201);
  }

  // ---- the customer --------------------------------------------------------------------------

  /** Browse anonymously, sign up, buy twice, plus one refused call, through the unchanged SDK. */
  private void sendThroughTheSegmentSdk() {
    List<String> succeeded = new CopyOnWriteArrayList<>();
    List<String> failed = new CopyOnWriteArrayList<>();
    Analytics analytics =
        Analytics.builder(SHOP.writeKey())
            .endpoint(platform.url(GATEWAY))
            .flushQueueSize(20)
            .callback(
                new Callback() {
                  @Override
                  public void success(Message message) {
                    succeeded.add(message.messageId());
                  }

                  @Override
                  public void failure(Message message, Throwable throwable) {
                    failed.add(message.messageId() + ": " + throwable);
                  }
                })
            .build();
    try {
      analytics.enqueue(
          PageMessage.builder("Pricing")
              .anonymousId(anonymousId)
              .properties(Map.of("path", "/pricing")));
      analytics.enqueue(
          TrackMessage.builder("Product Viewed")
              .anonymousId(anonymousId)
              .properties(Map.of("sku", "difference-engine-2")));
      analytics.enqueue(
          IdentifyMessage.builder()
              .anonymousId(anonymousId)
              .userId(userId)
              .traits(Map.of("email", email, "firstName", "Ada", "plan", "pro"))
              .context(
                  Map.of("consent", Map.of("categoryPreferences", Map.of("marketing", true)))));
      analytics.enqueue(order("order-1-" + run, 60.5));
      analytics.enqueue(order("order-2-" + run, 39.5));
      // Refused by the gateway (an operator key) and kept in its rejected-events store: the
      // privacy delete must erase it too.
      analytics.enqueue(
          TrackMessage.builder("Coupon Applied")
              .userId(userId)
              .properties(Map.of("$where", "1 == 1", "coupon", "WELCOME")));
      analytics.flush();
      await("SDK callbacks").atMost(WAIT).until(() -> succeeded.size() + failed.size() >= 6);
    } finally {
      analytics.shutdown();
    }
    assertThat(failed).as("messages the SDK could not deliver").isEmpty();
  }

  private TrackMessage.Builder order(String orderId, double revenue) {
    return TrackMessage.builder("Order Completed")
        .userId(userId)
        .properties(Map.of("orderId", orderId, "revenue", revenue, "currency", "EUR"));
  }

  /**
   * A purchase in a physical store, known only by the e-mail given at the till. The gateway needs a
   * userId or anonymousId on every event: the receipt number is the anonymous id.
   */
  private String importStorePurchase() {
    String csv =
        "type,event,anonymousId,timestamp,traits.email,properties.orderId,properties.revenue,properties.channel\n"
            + "track,Order Completed,%s,%s,%s,store-order-%s,25.25,store\n"
                .formatted(storeReceipt, Instant.now(), email, run);
    JsonNode job =
        shop.post(
                url(
                    GATEWAY,
                    "/api/v1/workspaces/shop/sources/website/imports?kind=events&format=csv"),
                "text/csv",
                csv)
            .expect(202);
    String jobId = job.path("id").asText();
    JsonNode done =
        await("import job")
            .atMost(WAIT)
            .until(
                () ->
                    shop.get(
                            url(
                                GATEWAY,
                                "/api/v1/workspaces/shop/sources/website/imports/" + jobId))
                        .expect(200),
                j ->
                    j.path("status").asText().equals("DONE")
                        || j.path("status").asText().equals("FAILED"));
    assertThat(done.path("status").asText()).isEqualTo("DONE");
    assertThat(done.path("rowsDone").asInt()).isEqualTo(1);
    assertThat(done.path("rowsFailed").asInt()).isZero();
    return jobId;
  }

  // ---- what the platform made of it ----------------------------------------------------------

  /** Every identifier of the person leads to one profile id in the identity graph. */
  private String assertOneMergedProfile() {
    String byUser = awaitIdentity("user_id", userId);
    assertThat(awaitIdentity("anonymous_id", anonymousId)).isEqualTo(byUser);
    assertThat(awaitIdentity("email", email)).isEqualTo(byUser);
    assertThat(awaitIdentity("anonymous_id", storeReceipt)).isEqualTo(byUser);
    for (String ref :
        List.of(
            "user_id:" + userId,
            "anonymous_id:" + anonymousId,
            "email:" + email,
            "anonymous_id:" + storeReceipt)) {
      JsonNode profile = awaitProfile(ref);
      assertThat(profile.path("profileId").asText()).as(ref).isEqualTo(byUser);
    }
    return byUser;
  }

  private void assertTraitsComputedTraitsAndTimeline(String profileId, String importJob) {
    JsonNode profile =
        await("computed traits over all three orders")
            .atMost(WAIT)
            .until(
                () -> shop.get(url(PROFILE, "/v1/profiles/" + profileId)).expect(200),
                p -> p.path("computedTraits").path("order_count").asInt() == 3);
    assertThat(profile.path("traits").path("firstName").asText()).isEqualTo("Ada");
    assertThat(profile.path("traits").path("email").asText()).isEqualTo(email);
    assertThat(profile.path("traits").path("plan").asText()).isEqualTo("pro");
    assertThat(profile.path("computedTraits").path("lifetime_revenue").asDouble())
        .isEqualTo(125.25);
    assertThat(profile.path("consent").path("marketing").asBoolean()).isTrue();

    List<JsonNode> timeline = timeline(profileId);
    assertThat(timeline)
        .extracting(e -> e.path("type").asText() + ":" + e.path("name").asText(""))
        .contains("page:Pricing", "track:Product Viewed", "identify:", "track:Order Completed")
        .doesNotContain("track:Coupon Applied");
    List<String> orders =
        timeline.stream()
            .filter(e -> e.path("name").asText().equals("Order Completed"))
            .map(e -> e.path("payload").path("properties").path("orderId").asText())
            .toList();
    assertThat(orders)
        .as("both web orders and the imported store order (job " + importJob + ")")
        .containsExactlyInAnyOrder("order-1-" + run, "order-2-" + run, "store-order-" + run);

    String rejected =
        shop.get(url(GATEWAY, "/api/v1/workspaces/shop/rejected-events?sourceId=website&size=100"))
            .expect(200)
            .toString();
    assertThat(rejected).as("the refused call is kept at the gateway").contains(userId);
  }

  private void assertSegmentEntry(String profileId) {
    await("segment entry")
        .atMost(WAIT)
        .until(
            () ->
                shop.get(
                        url(
                            SEGMENT,
                            "/v1/workspaces/shop/segments/" + segmentId + "/members/" + profileId))
                    .expect(200)
                    .path("member")
                    .asBoolean());
    JsonNode segments =
        shop.get(url(SEGMENT, "/v1/workspaces/shop/profiles/" + profileId + "/segments"))
            .expect(200);
    assertThat(segments.toString()).contains(segmentId);
  }

  private void assertSignedPersonalisedWebhook(String profileId) throws Exception {
    WebhookReceiver.Received delivery = webhook.await(WAIT);
    String expected =
        "sha256=" + hmacHex(WEBHOOK_SECRET, delivery.timestamp() + "." + delivery.body());
    assertThat(delivery.signature()).as("HMAC signature").isEqualTo(expected);
    JsonNode body = Http.JSON.readTree(delivery.body());
    assertThat(body.path("profileId").asText()).isEqualTo(profileId);
    assertThat(body.path("workspaceId").asText()).isEqualTo(SHOP.id());
    assertThat(body.path("message").asText()).isEqualTo("Hello Ada, you are now in Repeat buyers!");
  }

  private void assertPersonalisedEmail() throws Exception {
    assertThat(smtp.waitForIncomingEmail(WAIT.toMillis(), 1)).as("an e-mail arrived").isTrue();
    MimeMessage message = smtp.getReceivedMessages()[0];
    assertThat(message.getAllRecipients()[0].toString()).isEqualTo(email);
    assertThat(message.getSubject()).isEqualTo("Ada, thank you for your orders");
    assertThat(GreenMailUtil.getBody(message)).contains("Dear Ada, welcome to Repeat buyers.");
  }

  /** Results of both sends come back through the gateway onto the profile's timeline. */
  private void assertDeliveryResultsOnTimeline(String profileId) {
    await("delivery results on the timeline")
        .atMost(WAIT)
        .until(
            () -> timeline(profileId).stream().map(e -> e.path("name").asText()).toList(),
            names -> names.contains("Webhook Delivered") && names.contains("Email Sent"));
    List<JsonNode> log =
        list(
            shop.get(url(ACTIVATION, "/v1/workspaces/shop/deliveries?profileId=" + profileId))
                .expect(200));
    assertThat(log)
        .extracting(d -> d.path("channel").asText().toLowerCase() + ":" + d.path("status").asText())
        .containsExactlyInAnyOrder("webhook:DELIVERED", "email:SENT");
  }

  // ---- the right to be forgotten ------------------------------------------------------------

  private void eraseAndAssertNothingRemains(String profileId) {
    JsonNode request = shop.delete(url(PROFILE, "/v1/profiles/" + profileId)).expect(202);
    String requestId = request.path("requestId").asText();

    await("privacy request answered DONE by every participant")
        .atMost(WAIT)
        .until(
            () -> privacyStates(requestId),
            states -> Platform.SERVICES.stream().allMatch(s -> "DONE".equals(states.get(s))));
    Map<String, String> states = privacyStates(requestId);
    System.out.println("privacy request " + requestId + " answers: " + states);
    assertThat(states).containsEntry(IDENTITY, "DONE").doesNotContainValue("FAILED");
    assertThat(
            shop.get(url(PROFILE, "/v1/privacy-requests/" + requestId))
                .expect(200)
                .path("status")
                .asText())
        .as("request status once every service is done")
        .isEqualTo("COMPLETED");

    List<String> refs =
        List.of(
            profileId,
            "user_id:" + userId,
            "anonymous_id:" + anonymousId,
            "email:" + email,
            "anonymous_id:" + storeReceipt);
    for (String ref : refs) {
      assertThat(shop.get(url(PROFILE, "/v1/profiles/" + encodeRef(ref))).status())
          .as("profile by " + ref)
          .isEqualTo(404);
    }
    assertThat(
            list(
                shop.get(url(ACTIVATION, "/v1/workspaces/shop/deliveries?profileId=" + profileId))
                    .expect(200)))
        .as("delivery log of the person")
        .isEmpty();
    assertThat(
            shop.get(
                    url(
                        GATEWAY,
                        "/api/v1/workspaces/shop/rejected-events?sourceId=website&size=100"))
                .expect(200)
                .toString())
        .as("refused events kept by the gateway")
        .doesNotContain(userId)
        .doesNotContain(email);

    for (String[] identifier :
        List.of(
            new String[] {"user_id", userId},
            new String[] {"anonymous_id", anonymousId},
            new String[] {"email", email},
            new String[] {"anonymous_id", storeReceipt})) {
      assertThat(
              shop.get(
                      url(
                          IDENTITY,
                          "/v1/workspaces/shop/identifiers/"
                              + identifier[0]
                              + "/"
                              + encode(identifier[1])))
                  .status())
          .as("identity lookup of " + identifier[0] + " after the delete")
          .isEqualTo(404);
    }
    assertThat(shop.get(url(IDENTITY, "/v1/workspaces/shop/profiles/" + profileId)).status())
        .as("identity graph of the erased profile")
        .isEqualTo(404);
    assertThat(
            shop.get(
                    url(
                        SEGMENT,
                        "/v1/workspaces/shop/segments/" + segmentId + "/members/" + profileId))
                .expect(200)
                .path("member")
                .asBoolean())
        .as("still a member of " + segmentId)
        .isFalse();
    assertThat(
            shop.get(url(SEGMENT, "/v1/workspaces/shop/profiles/" + profileId + "/segments"))
                .expect(200)
                .toString())
        .doesNotContain(segmentId);
  }

  private Map<String, String> privacyStates(String requestId) {
    JsonNode services =
        shop.get(url(PROFILE, "/v1/privacy-requests/" + requestId)).expect(200).path("services");
    Map<String, String> states = new TreeMap<>();
    services.fields().forEachRemaining(f -> states.put(f.getKey(), f.getValue().asText()));
    return states;
  }

  // ---- helpers ------------------------------------------------------------------------------

  private String awaitIdentity(String type, String value) {
    return await("identity " + type)
        .atMost(WAIT)
        .until(
            () ->
                shop.get(
                    url(IDENTITY, "/v1/workspaces/shop/identifiers/" + type + "/" + encode(value))),
            r -> r.status() == 200)
        .json()
        .path("profileId")
        .asText();
  }

  private JsonNode awaitProfile(String ref) {
    return await("profile " + ref)
        .atMost(WAIT)
        .until(
            () -> shop.get(url(PROFILE, "/v1/profiles/" + encodeRef(ref))), r -> r.status() == 200)
        .json();
  }

  private List<JsonNode> timeline(String profileId) {
    return list(
        shop.get(url(PROFILE, "/v1/profiles/" + profileId + "/events?limit=200"))
            .expect(200)
            .path("items"));
  }

  private static List<JsonNode> list(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).toList();
  }

  private static String encodeRef(String ref) {
    int colon = ref.indexOf(':');
    return colon < 0 ? ref : ref.substring(0, colon + 1) + encode(ref.substring(colon + 1));
  }

  private String url(String service, String path) {
    return platform.url(service) + path;
  }

  private static String hmacHex(String secret, String data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
  }
}
