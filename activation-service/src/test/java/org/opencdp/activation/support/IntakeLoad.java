package org.opencdp.activation.support;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.SegmentMembershipChanged;
import org.opencdp.contracts.Topics;
import org.opencdp.testsupport.EventEnvelopeBuilder;

/**
 * What the rest of the platform sends activation for every ingested event, shaped like the
 * profile-service and identity-service send it: a resolved event (track, with context and
 * properties) and, when it changed a trait or the identifiers, the ProfileChanged it caused (the
 * full profile state). profile-service no longer sends a change that only touched {@code events.*}
 * or {@code computed.*}, so as on the platform most events come without one (here: a profile's
 * first event, and a plan change on one event in ten). Serialised up front so that producing them
 * costs the load generator as little as possible.
 */
public final class IntakeLoad {
  /** Starts a journey of the benchmark's event campaign. */
  public static final String TRIGGER = "Checkout Started";

  /** Ends it. */
  public static final String EXIT = "Order Completed";

  private static final String[] EVENTS = {
    "Page Viewed", "Page Viewed", "Page Viewed", "Product Viewed", "Product Viewed",
    "Products Searched", "Product Added", "Cart Viewed", "Signed In", "Product Removed"
  };

  private IntakeLoad() {}

  /**
   * {@code events} resolved events for {@code events / perProfile} profiles, each followed by the
   * profile change it caused if it changed a trait or the identifiers, in the order the platform
   * produces them (a profile's changes in version order). One event in {@code 1 / triggerShare}
   * starts the campaign, as many end it.
   */
  public static List<ProducerRecord<String, String>> pairs(
      String workspace, String prefix, int events, int perProfile, int triggerShare) {
    return pairs(workspace, prefix, events, perProfile, triggerShare, null);
  }

  /**
   * The same, and when {@code entrySegment} is set, one event in {@code triggerShare} (none of the
   * trigger or exit events) is a new user's first event followed by their entry into that segment,
   * as each of the whole-platform benchmark's {@code Bench Signal} events leads to one entry.
   */
  public static List<ProducerRecord<String, String>> pairs(
      String workspace,
      String prefix,
      int events,
      int perProfile,
      int triggerShare,
      String entrySegment) {
    Random random = new Random(42);
    List<ProducerRecord<String, String>> out = new ArrayList<>(2 * events);
    int profiles = Math.max(1, events / perProfile);
    String[] ids = new String[profiles];
    long[] versions = new long[profiles];
    String[] plans = new String[profiles];
    for (int p = 0; p < profiles; p++) {
      ids[p] = prefix + "-" + UUID.randomUUID();
      plans[p] = "free";
    }
    for (int i = 0; i < events; i++) {
      int p = i % profiles;
      boolean signal = entrySegment != null && i % triggerShare == triggerShare / 2;
      if (signal && versions[p] > 0) { // a new user each time, as the platform's Bench Signal
        ids[p] = prefix + "-" + UUID.randomUUID();
        versions[p] = 0;
      }
      String profileId = ids[p];
      String key = workspace + ":" + profileId;
      String name =
          i % triggerShare == 0
              ? TRIGGER
              : i % triggerShare == 1 ? EXIT : EVENTS[random.nextInt(EVENTS.length)];
      out.add(
          new ProducerRecord<>(
              Topics.EVENTS_RESOLVED, key, write(event(workspace, profileId, name, random))));
      List<String> changed = new ArrayList<>();
      if (versions[p] == 0) {
        changed.addAll(List.of("traits.firstName", "traits.email", "traits.plan", "identifiers"));
      } else if (random.nextInt(10) == 0) {
        plans[p] = plans[p].equals("free") ? "pro" : "free";
        changed.add("traits.plan");
      }
      versions[p]++;
      if (!changed
          .isEmpty()) { // else only events.*/computed.* changed: profile-service sends nothing
        changed.add("events." + name);
        changed.add("computed.events_7d");
        out.add(
            new ProducerRecord<>(
                Topics.PROFILES_CHANGED,
                key,
                write(profile(workspace, profileId, versions[p], changed, plans[p]))));
      }
      if (signal) {
        out.add(
            new ProducerRecord<>(
                Topics.SEGMENTS_MEMBERSHIP,
                key,
                write(
                    new SegmentMembershipChanged(
                        UUID.randomUUID().toString(),
                        workspace,
                        profileId,
                        entrySegment,
                        "bench",
                        versions[p],
                        SegmentMembershipChanged.Kind.ENTERED,
                        "bench",
                        Instant.now()))));
      }
    }
    return out;
  }

  private static EventEnvelope event(
      String workspace, String profileId, String name, Random random) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("path", "/products/" + random.nextInt(500));
    properties.put("url", "https://shop.example.test/products/" + random.nextInt(500));
    properties.put("title", "Product page");
    properties.put("price", 19.99 + random.nextInt(100));
    properties.put("currency", "EUR");
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("ip", "203.0.113." + random.nextInt(250));
    context.put(
        "userAgent",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari");
    context.put("locale", "fr-FR");
    context.put("library", Map.of("name", "analytics.js", "version", "4.1.0"));
    context.put("page", Map.of("path", "/products", "referrer", "https://search.example.test/"));
    return EventEnvelopeBuilder.track(name)
        .workspaceId(workspace)
        .sourceId("web")
        .userId("u-" + profileId)
        .anonymousId("a-" + profileId)
        .properties(properties)
        .context(context)
        .integrations(Map.of())
        .at(Instant.now())
        .profileId(profileId)
        .build();
  }

  private static ProfileChanged profile(
      String workspace, String profileId, long version, List<String> changed, String plan) {
    Map<String, Object> traits = new LinkedHashMap<>();
    traits.put("firstName", "Ada");
    traits.put("lastName", "Lovelace");
    traits.put("email", profileId + "@example.test");
    traits.put("plan", plan);
    traits.put("timezone", "Europe/Paris");
    traits.put("country", "FR");
    return new ProfileChanged(
        workspace,
        profileId,
        version,
        changed,
        traits,
        Map.of("events_7d", version, "orders_30d", version / 7),
        Map.of("marketing", true, "analytics", true),
        List.of(
            new Identifier(Identifier.USER_ID, "u-" + profileId),
            new Identifier(Identifier.EMAIL, profileId + "@example.test")),
        workspace + ":" + UUID.randomUUID(),
        Instant.now(),
        false);
  }

  private static String write(Object value) {
    try {
      return Kafka.JSON.writeValueAsString(value);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
