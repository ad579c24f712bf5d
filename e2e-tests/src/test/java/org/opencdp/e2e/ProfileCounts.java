package org.opencdp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * Each drill user's profile as the profile-service answers it: its event count and its computed
 * order count, compared with what was sent for that user. A count above what was sent is double
 * counting and fails at once; a count below may still be on its way until the deadline.
 */
final class ProfileCounts {
  private final Http http;
  private final String profileUrl;
  private final String trait;

  /** What the API says of one user's profile; {@code profileId} null while it does not exist. */
  private record Seen(String profileId, long events, long orders) {}

  ProfileCounts(Http http, String profileUrl, String trait) {
    this.http = http;
    this.profileUrl = profileUrl;
    this.trait = trait;
  }

  /** Waits until every user's counts equal what was sent; returns userId to profileId. */
  Map<String, String> awaitExact(DrillStream stream, Duration timeout, List<String> summary)
      throws InterruptedException {
    long started = System.nanoTime();
    long deadline = started + timeout.toNanos();
    Map<String, String> profileIds = new ConcurrentHashMap<>();
    List<String> behind = check(stream, profileIds);
    while (!behind.isEmpty() && System.nanoTime() < deadline) {
      System.out.printf("profiles not yet complete: %,d of %,d%n", behind.size(), stream.users());
      Thread.sleep(5000);
      behind = check(stream, profileIds);
    }
    summary.add(
        "profiles: %,d users' event counts and %s exact %,d s after the stream ended"
            .formatted(stream.users(), trait, (System.nanoTime() - started) / 1_000_000_000L));
    if (!behind.isEmpty()) {
      throw new AssertionError(
          "events lost: after "
              + timeout
              + " "
              + behind.size()
              + " profiles are short, e.g. "
              + behind.subList(0, Math.min(10, behind.size())));
    }
    return Map.copyOf(profileIds);
  }

  /** Every user's counts equal what was sent, now. */
  void assertExactNow(DrillStream stream) {
    List<String> wrong = check(stream, new ConcurrentHashMap<>());
    if (!wrong.isEmpty()) {
      throw new AssertionError(
          wrong.size()
              + " profiles differ from what was sent, e.g. "
              + wrong.subList(0, Math.min(10, wrong.size())));
    }
  }

  /** Users whose counts are short; fails at once when one is over. */
  private List<String> check(DrillStream stream, Map<String, String> profileIds) {
    List<String> behind = java.util.Collections.synchronizedList(new ArrayList<>());
    List<String> over = java.util.Collections.synchronizedList(new ArrayList<>());
    IntStream.range(0, stream.users())
        .parallel()
        .forEach(
            u -> {
              String userId = stream.userId(u);
              Seen seen = seen(userId);
              long events = stream.expectedEvents(userId);
              long orders = stream.expectedOrders(userId);
              String state =
                  "%s: events %d/%d, %s %d/%d"
                      .formatted(userId, seen.events(), events, trait, seen.orders(), orders);
              if (seen.events() > events || seen.orders() > orders) {
                over.add(state);
              } else if (seen.profileId() == null
                  || seen.events() < events
                  || seen.orders() < orders) {
                behind.add(state);
              } else {
                profileIds.put(userId, seen.profileId());
              }
            });
    if (!over.isEmpty()) {
      throw new AssertionError(
          "double counting on "
              + over.size()
              + " profiles, e.g. "
              + over.subList(0, Math.min(10, over.size())));
    }
    return behind;
  }

  private Seen seen(String userId) {
    Http.Response response = http.get(profileUrl + "/v1/profiles/user_id:" + Http.encode(userId));
    if (response.status() == 404) {
      return new Seen(null, 0, 0);
    }
    JsonNode profile = response.expect(200);
    return new Seen(
        profile.path("profileId").asText(),
        profile.path("eventCount").asLong(),
        profile.path("computedTraits").path(trait).asLong());
  }
}
