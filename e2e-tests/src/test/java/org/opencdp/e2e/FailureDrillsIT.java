package org.opencdp.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.e2e.Platform.GATEWAY;
import static org.opencdp.e2e.Platform.PROFILE;
import static org.opencdp.e2e.Platform.SEGMENT;
import static org.opencdp.e2e.Platform.SHOP;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencdp.contracts.Topics;

/**
 * Failure drills: a stream of {@code drill.events} (default 100,000) events through the gateway
 * while each service in turn and the Kafka broker are killed with SIGKILL and restarted, then Redis
 * flushed and rebuilt. Exact counts at the end: every messageId on {@code cdp.events.raw}, each
 * profile's event count and computed order count equal to what was sent for its user, and segment
 * membership (on a computed trait and on an event count) equal to the membership computed from what
 * was sent, before and after the Redis flush, and after already-accepted events are sent again once
 * the gateway has lost its dedup memory.
 */
@ExtendWith(Platform.Extension.class)
class FailureDrillsIT {
  private static final int EVENTS = Integer.getInteger("drill.events", 100_000);
  private static final int USERS = Integer.getInteger("drill.users", 2_000);
  private static final int CLIENTS = Integer.getInteger("drill.clients", 4);
  private static final int BATCH = 100;
  private static final int RESENT_BATCHES = 20;
  private static final int MIN_ORDERS = 6;
  private static final Duration SETTLE =
      Duration.ofMinutes(Long.getLong("drill.settle.minutes", 20));
  private static final String TRAIT = "drill_orders";

  private final Platform platform;
  private final Http shop = new Http(SHOP.token());
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String onComputedTrait = "drill-computed-" + run;
  private final String onEventCount = "drill-events-" + run;
  private final List<String> summary = new ArrayList<>();

  FailureDrillsIT(Platform platform) {
    this.platform = platform;
  }

  @Test
  void noEventIsLostOrCountedTwiceWhenEveryServiceTheBrokerAndRedisFail() throws Exception {
    defineTraitAndSegments();
    DrillStream stream =
        new DrillStream(platform.url(GATEWAY), SHOP.writeKey(), run, EVENTS, USERS, BATCH);
    ChaosSchedule chaos = new ChaosSchedule(platform, stream);
    try {
      streamWhileCrashing(stream, chaos);
      assertGatewayAnsweredEveryEvent(stream);
      KafkaProbe kafka = new KafkaProbe(platform.kafka().bootstrapServers());
      Map<String, Integer> raw = assertEveryEventOnTheRawTopic(kafka, stream);

      Map<String, String> profiles =
          new ProfileCounts(shop, platform.url(PROFILE), TRAIT).awaitExact(stream, SETTLE, summary);
      Set<String> expectedMembers = expectedMembers(stream, profiles);
      Set<String> ours = new HashSet<>(profiles.values());
      Set<String> computedMembers = awaitMembers(onComputedTrait, ours, expectedMembers);
      Set<String> eventMembers = awaitMembers(onEventCount, ours, expectedMembers);
      assertTimelinesHoldEachEventOnce(stream, profiles);

      redisFlushedAndRebuilt(stream, profiles, ours, computedMembers, eventMembers);
      resendAfterDedupLoss(stream, kafka, raw, profiles, computedMembers, eventMembers);
    } finally {
      summary.add(0, "drills: " + chaos.drills());
      System.out.println("==== FailureDrillsIT summary (run " + run + ")");
      summary.forEach(line -> System.out.println("  " + line));
    }
  }

  private void defineTraitAndSegments() {
    shop.put(
            platform.url(PROFILE) + "/v1/computed-traits/" + TRAIT,
            """
            {"aggregation":"COUNT","event":"%s"}"""
                .formatted(DrillStream.ORDER))
        .expect(200);
    createSegment(
        onComputedTrait,
        """
        {"computed":"%s","op":"gte","value":%d}"""
            .formatted(TRAIT, MIN_ORDERS));
    createSegment(
        onEventCount,
        """
        {"event":"%s","atLeast":%d}"""
            .formatted(DrillStream.ORDER, MIN_ORDERS));
  }

  private void createSegment(String id, String condition) {
    shop.post(
            platform.url(SEGMENT) + "/v1/workspaces/shop/segments",
            """
            {"id":"%s","name":"%s","condition":%s}"""
                .formatted(id, id, condition))
        .expect(201);
  }

  // ---- the stream and the crashes ------------------------------------------------------------

  private void streamWhileCrashing(DrillStream stream, ChaosSchedule chaos) throws Exception {
    chaos.closeGate();
    long start = System.nanoTime();
    ExecutorService drills = Executors.newSingleThreadExecutor();
    Future<?> crashes =
        drills.submit(
            () -> {
              chaos.run(start);
              return null;
            });
    try {
      stream.run(CLIENTS);
      crashes.get(30, TimeUnit.MINUTES);
    } finally {
      drills.shutdownNow();
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    summary.add(
        "stream: %,d events in %,d batches from %d clients over %,d users in %.1f s (%.0f events/s)"
            .formatted(
                EVENTS,
                stream.batches().size(),
                CLIENTS,
                USERS,
                ms / 1000.0,
                EVENTS * 1000.0 / ms));
    summary.add(
        "gateway: accepted %,d, duplicates %,d; retried: 503 %,d, 429 %,d, other 5xx %,d, connection %,d"
            .formatted(
                stream.accepted.get(),
                stream.duplicates.get(),
                stream.retried503.get(),
                stream.retried429.get(),
                stream.retriedOther5xx.get(),
                stream.retriedConnection.get()));
    assertThat(chaos.drills()).as("drills done").hasSize(chaos.targets().size());
  }

  private static void assertGatewayAnsweredEveryEvent(DrillStream stream) {
    assertThat(stream.failures).as("batches the gateway refused or never answered").isEmpty();
    assertThat(stream.batchesDone.get()).isEqualTo(stream.batches().size());
    assertThat(stream.accepted.get() + stream.duplicates.get())
        .as("final answers: accepted + duplicates (a retry of a batch already taken)")
        .isEqualTo(EVENTS);
  }

  /** Exactly once by messageId, apart from producer retries after a 503 (reported, not hidden). */
  private Map<String, Integer> assertEveryEventOnTheRawTopic(KafkaProbe kafka, DrillStream stream)
      throws Exception {
    Map<String, Integer> raw = kafka.countMessageIds(Topics.EVENTS_RAW, "drill-" + run + "-");
    long total = raw.values().stream().mapToLong(Integer::longValue).sum();
    summary.add(
        "cdp.events.raw: %,d distinct messageIds, %,d records, %,d duplicate records (at-least-once after 503/crash)"
            .formatted(raw.size(), total, total - raw.size()));
    List<String> missing = new ArrayList<>();
    stream
        .batches()
        .forEach(
            b -> b.messageIds().stream().filter(id -> !raw.containsKey(id)).forEach(missing::add));
    assertThat(missing).as("messageIds missing from cdp.events.raw").isEmpty();
    assertThat(raw).hasSize(EVENTS);
    return raw;
  }

  // ---- downstream state ----------------------------------------------------------------------

  private static Set<String> expectedMembers(DrillStream stream, Map<String, String> profiles) {
    Set<String> members = new TreeSet<>();
    for (int u = 0; u < stream.users(); u++) {
      String userId = stream.userId(u);
      if (stream.expectedOrders(userId) >= MIN_ORDERS) {
        members.add(profiles.get(userId));
      }
    }
    return members;
  }

  /** Members of the segment among this run's profiles, once they equal the expected ones. */
  private Set<String> awaitMembers(String segmentId, Set<String> ours, Set<String> expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    Set<String> members = members(segmentId, ours);
    while (!members.equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(2000);
      members = members(segmentId, ours);
    }
    summary.add(
        "segment %s: %,d members, %,d expected"
            .formatted(segmentId, members.size(), expected.size()));
    assertThat(members).as("members of " + segmentId).isEqualTo(expected);
    return members;
  }

  private Set<String> members(String segmentId, Set<String> ours) {
    Set<String> members = new TreeSet<>();
    String cursor = "0";
    do {
      JsonNode page =
          shop.get(
                  platform.url(SEGMENT)
                      + "/v1/workspaces/shop/segments/"
                      + segmentId
                      + "/members?count=1000&cursor="
                      + cursor)
              .expect(200);
      page.path("members").forEach(m -> members.add(m.asText()));
      cursor = page.path("next").isTextual() ? page.path("next").asText() : null;
    } while (cursor != null);
    members.retainAll(ours);
    return members;
  }

  /** The timelines of a sample of users: each sent event exactly once, by messageId. */
  private void assertTimelinesHoldEachEventOnce(DrillStream stream, Map<String, String> profiles) {
    for (int u = 0; u < stream.users(); u += Math.max(1, stream.users() / 20)) {
      String userId = stream.userId(u);
      List<String> ids = new ArrayList<>();
      String cursor = null;
      do {
        String url =
            platform.url(PROFILE)
                + "/v1/profiles/"
                + profiles.get(userId)
                + "/events?limit=200"
                + (cursor == null ? "" : "&cursor=" + Http.encode(cursor));
        JsonNode page = shop.get(url).expect(200);
        page.path("items").forEach(e -> ids.add(e.path("messageId").asText()));
        cursor = page.path("nextCursor").isTextual() ? page.path("nextCursor").asText() : null;
      } while (cursor != null);
      assertThat(ids).as("timeline of " + userId).doesNotHaveDuplicates();
      assertThat(ids).as("timeline of " + userId).hasSize(stream.expectedEvents(userId));
    }
  }

  // ---- Redis ----------------------------------------------------------------------------------

  private void redisFlushedAndRebuilt(
      DrillStream stream,
      Map<String, String> profiles,
      Set<String> ours,
      Set<String> computedMembers,
      Set<String> eventMembers)
      throws Exception {
    RedisFlush.flushAll(platform.redis().port());
    String job =
        shop.post(platform.url(SEGMENT) + "/v1/workspaces/shop/membership/rebuild", "{}")
            .expect(202)
            .path("id")
            .asText();
    long started = System.nanoTime();
    long deadline = started + SETTLE.toNanos();
    String status = "";
    while (System.nanoTime() < deadline) {
      status =
          shop.get(platform.url(SEGMENT) + "/v1/workspaces/shop/jobs/" + job)
              .expect(200)
              .path("status")
              .asText();
      if (status.equals("SUCCEEDED") || status.equals("FAILED")) {
        break;
      }
      Thread.sleep(1000);
    }
    summary.add(
        "Redis FLUSHALL, membership rebuild job %s in %,d ms"
            .formatted(status, (System.nanoTime() - started) / 1_000_000));
    JsonNode done = shop.get(platform.url(SEGMENT) + "/v1/workspaces/shop/jobs/" + job).expect(200);
    summary.add(
        "rebuild job: processed %s, entered %s, exited %s"
            .formatted(
                done.path("processed").asText(),
                done.path("entered").asText(),
                done.path("exited").asText()));
    assertThat(status).as("rebuild job " + job).isEqualTo("SUCCEEDED");
    assertSameMembers(
        onComputedTrait, members(onComputedTrait, ours), computedMembers, stream, profiles);
    assertSameMembers(onEventCount, members(onEventCount, ours), eventMembers, stream, profiles);
  }

  /**
   * Compares member sets by their difference (AssertJ prints at most 1,000 elements of a set), and
   * explains the first few differing profiles: orders sent, the profile's computed trait, the
   * segment's enter/exit history for the profile.
   */
  private void assertSameMembers(
      String segmentId,
      Set<String> actual,
      Set<String> expected,
      DrillStream stream,
      Map<String, String> profiles) {
    Set<String> missing = new TreeSet<>(expected);
    missing.removeAll(actual);
    Set<String> extra = new TreeSet<>(actual);
    extra.removeAll(expected);
    if (missing.isEmpty() && extra.isEmpty()) {
      return;
    }
    Map<String, String> userByProfile = new HashMap<>();
    profiles.forEach((user, profile) -> userByProfile.put(profile, user));
    List<String> explained = new ArrayList<>();
    Stream.concat(missing.stream(), extra.stream())
        .limit(6)
        .forEach(
            profileId -> {
              String userId = userByProfile.get(profileId);
              JsonNode profile =
                  shop.get(platform.url(PROFILE) + "/v1/profiles/" + profileId).expect(200);
              JsonNode history =
                  shop.get(
                          platform.url(SEGMENT)
                              + "/v1/workspaces/shop/segments/"
                              + segmentId
                              + "/history?profileId="
                              + profileId
                              + "&limit=20")
                      .expect(200);
              explained.add(
                  "%s %s (%s): orders sent %d, profile %s, history %s"
                      .formatted(
                          missing.contains(profileId) ? "missing" : "extra",
                          profileId,
                          userId,
                          stream.expectedOrders(userId),
                          profile.path("computedTraits"),
                          history));
            });
    explained.forEach(line -> summary.add("  " + line));
    assertThat(explained)
        .as(
            "members of %s after the rebuild: %d missing, %d extra",
            segmentId, missing.size(), extra.size())
        .isEmpty();
  }

  /**
   * The gateway forgot every messageId with the flush: a slice of already-accepted events sent
   * again is published again, and the consumers' own idempotency must keep every count unchanged.
   */
  private void resendAfterDedupLoss(
      DrillStream stream,
      KafkaProbe kafka,
      Map<String, Integer> rawBefore,
      Map<String, String> profiles,
      Set<String> computedMembers,
      Set<String> eventMembers)
      throws Exception {
    long accepted = 0;
    long duplicates = 0;
    int resentEvents = 0;
    for (DrillStream.Batch batch :
        stream.batches().subList(0, Math.min(RESENT_BATCHES, stream.batches().size()))) {
      DrillStream.Outcome outcome = stream.sendUntilAnswered(batch);
      accepted += outcome.accepted();
      duplicates += outcome.duplicates();
      resentEvents += batch.messageIds().size();
    }
    assertThat(stream.failures).as("re-sent batches").isEmpty();
    Map<String, Integer> rawAfter = kafka.countMessageIds(Topics.EVENTS_RAW, "drill-" + run + "-");
    long recordsBefore = rawBefore.values().stream().mapToLong(Integer::longValue).sum();
    long recordsAfter = rawAfter.values().stream().mapToLong(Integer::longValue).sum();
    summary.add(
        "re-sent %,d accepted events after the flush: gateway accepted %,d again, %,d duplicates; %,d more raw records"
            .formatted(resentEvents, accepted, duplicates, recordsAfter - recordsBefore));
    assertThat(rawAfter).as("distinct messageIds after the re-send").hasSize(EVENTS);

    kafka.awaitQuiet(SETTLE);
    Set<String> ours = new HashSet<>(profiles.values());
    new ProfileCounts(shop, platform.url(PROFILE), TRAIT).assertExactNow(stream);
    assertThat(members(onComputedTrait, ours)).as("after the re-send").isEqualTo(computedMembers);
    assertThat(members(onEventCount, ours)).as("after the re-send").isEqualTo(eventMembers);
    assertTimelinesHoldEachEventOnce(stream, profiles);
    summary.add("after the re-send: every profile count, trait and membership unchanged");
  }
}
