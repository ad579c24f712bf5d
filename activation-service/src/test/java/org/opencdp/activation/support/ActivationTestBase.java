package org.opencdp.activation.support;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.opencdp.activation.delivery.DeliveryStore;
import org.opencdp.activation.profile.ProfileStore;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.SegmentMembershipChanged;
import org.opencdp.contracts.Topics;
import org.opencdp.testsupport.EventEnvelopeBuilder;

/** Helpers shared by the flow tests: the API with a token, inputs on Kafka, awaits. */
public abstract class ActivationTestBase {
  protected static final String WS = "acme";
  protected static final String TOKEN = "acme-token";
  private static final AtomicLong VERSION = new AtomicLong(System.currentTimeMillis());

  @Inject protected ProfileStore profiles;
  @Inject protected DeliveryStore deliveries;
  @Inject protected TestClock clock;

  protected static RequestSpecification api() {
    return given().header("Authorization", "Bearer " + TOKEN).contentType(ContentType.JSON);
  }

  protected static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  protected static String createDestination(
      String type, Map<String, Object> config, String secret) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", unique(type.toLowerCase()));
    body.put("type", type);
    body.put("config", config);
    if (secret != null) {
      body.put("secret", secret);
    }
    return api()
        .body(body)
        .post("/v1/workspaces/" + WS + "/destinations")
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  protected static String webhook(Receiver.Endpoint endpoint) {
    return createDestination("WEBHOOK", Map.of("url", endpoint.url), "hook-secret");
  }

  protected static String email() {
    return createDestination(
        "EMAIL",
        Map.of(
            "host",
            "127.0.0.1",
            "port",
            Mail.port(),
            "from",
            "shop@example.test",
            "startTls",
            "DISABLED"),
        null);
  }

  protected static String createCampaign(Map<String, Object> definition) {
    return api()
        .body(definition)
        .post("/v1/workspaces/" + WS + "/campaigns")
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  protected static Map<String, Object> send(String destinationId, String subject, String template) {
    Map<String, Object> step = new LinkedHashMap<>();
    step.put("type", "SEND");
    step.put("destinationId", destinationId);
    if (subject != null) {
      step.put("subject", subject);
    }
    if (template != null) {
      step.put("template", template);
    }
    return step;
  }

  protected static Map<String, Object> campaign(
      Map<String, Object> trigger, List<Map<String, Object>> steps) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", unique("campaign"));
    c.put("consentCategory", "marketing");
    c.put("trigger", trigger);
    c.put("steps", steps);
    return c;
  }

  protected static Map<String, Object> segmentEntered(String segmentId) {
    return Map.of("type", "SEGMENT_ENTERED", "segmentId", segmentId);
  }

  /**
   * Publishes a ProfileChanged and waits until the snapshot is stored (or, when it holds what the
   * snapshot already held, until that is the stored state: such a change does not rewrite it).
   */
  protected void profile(
      String profileId, Map<String, Object> traits, Map<String, Boolean> consent) {
    long version = VERSION.incrementAndGet();
    List<Identifier> identifiers = new ArrayList<>();
    if (traits.get("email") instanceof String e) {
      identifiers.add(new Identifier(Identifier.EMAIL, e));
    }
    Kafka.send(
        Topics.PROFILES_CHANGED,
        WS + ":" + profileId,
        new ProfileChanged(
            WS,
            profileId,
            version,
            List.of("traits"),
            traits,
            Map.of(),
            consent,
            identifiers,
            null,
            clock.instant(),
            false));
    await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () ->
                profiles
                    .find(WS, profileId)
                    .map(
                        s ->
                            s.version() == version
                                || (s.version() < version
                                    && s.traits().equals(traits)
                                    && s.consent().equals(consent)
                                    && s.identifiers().equals(identifiers)
                                    && !s.deleted()))
                    .orElse(false));
  }

  protected static void membership(
      String profileId, String segmentId, SegmentMembershipChanged.Kind kind) {
    Kafka.send(
        Topics.SEGMENTS_MEMBERSHIP,
        WS + ":" + profileId,
        new SegmentMembershipChanged(
            UUID.randomUUID().toString(),
            WS,
            profileId,
            segmentId,
            "Segment " + segmentId,
            1,
            kind,
            "test",
            Instant.now()));
  }

  protected static void event(String profileId, String name, Map<String, Object> properties) {
    Kafka.send(
        Topics.EVENTS_RESOLVED,
        WS + ":" + profileId,
        EventEnvelopeBuilder.track(name)
            .workspaceId(WS)
            .sourceId("src")
            .userId("u-" + profileId)
            .properties(properties)
            .originalTimestamp(null)
            .sentAt(null)
            .profileId(profileId)
            .build());
  }

  /** The delivery log of a campaign. */
  protected List<DeliveryStore.LogEntry> log(String campaignId) {
    return deliveries.log(WS, campaignId, null, null, 100);
  }

  protected void awaitStatus(String campaignId, String status, int count) {
    await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () -> log(campaignId).stream().filter(e -> e.status().equals(status)).count() >= count);
  }

  protected static Map<String, Boolean> consent() {
    return Map.of("marketing", true);
  }
}
