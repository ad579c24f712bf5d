package org.opencdp.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.opencdp.profile.Api.as;
import static org.opencdp.profile.Api.awaitEvents;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.MongoResource;

/** First/last seen, full history, concurrent writers without transactions, metrics. */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(MongoResource.class)
@QuarkusTest
class ProfileBasicsTest {
  private static final String WS = "ws-b";
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  @Test
  void firstAndLastSeenAndTheFullHistoryNotAFourteenDayWindow() {
    String profileId = Events.newProfileId();
    Instant yearAgo = now.minus(Duration.ofDays(400));
    Instant monthAgo = now.minus(Duration.ofDays(20));
    Instant hourAgo = now.minus(Duration.ofHours(1));
    // out of order: first and last seen are by event time, not arrival
    TestKafka.send(Events.track(WS, profileId, "u-" + profileId, "Page Read", monthAgo, Map.of()));
    TestKafka.send(Events.track(WS, profileId, "u-" + profileId, "Page Read", hourAgo, Map.of()));
    TestKafka.send(Events.track(WS, profileId, "u-" + profileId, "Signed Up", yearAgo, Map.of()));
    awaitEvents(WS, profileId, 3);

    as(WS)
        .get("/v1/profiles/" + profileId)
        .then()
        .body("firstSeen", equalTo(yearAgo.toString()))
        .body("lastSeen", equalTo(hourAgo.toString()));
    as(WS)
        .get("/v1/profiles/" + profileId + "/events")
        .then()
        .body("items.name", equalTo(List.of("Page Read", "Page Read", "Signed Up")));
    as(WS)
        .get("/v1/profiles/" + profileId + "/events?to=" + now.minus(Duration.ofDays(14)))
        .then()
        .body("items.timestamp", equalTo(List.of(monthAgo.toString(), yearAgo.toString())));
  }

  /**
   * No transactions: every writer reads the profile, changes it and writes it back only if its
   * version did not move. Writers racing on one profile (the API here, besides the consumer) all
   * land, none overwrites another.
   */
  @Test
  void concurrentWritersOnOneProfileAllLand() {
    String profileId = Events.newProfileId();
    TestKafka.send(Events.identify(WS, profileId, "u-" + profileId, now, Map.of("plan", "pro")));
    awaitEvents(WS, profileId, 1);

    int writers = 8;
    CompletableFuture<?>[] calls =
        IntStream.range(0, writers)
            .mapToObj(
                i ->
                    CompletableFuture.runAsync(
                        () ->
                            as(WS)
                                .contentType(ContentType.JSON)
                                .body(Map.of("categories", Map.of("category" + i, i % 2 == 0)))
                                .put("/v1/profiles/" + profileId + "/consent")
                                .then()
                                .statusCode(200)))
            .toArray(CompletableFuture[]::new);
    CompletableFuture.allOf(calls).join();

    var profile = as(WS).get("/v1/profiles/" + profileId).then().extract().jsonPath();
    assertThat(profile.getMap("consent")).hasSize(writers);
    assertThat(profile.getLong("eventCount")).isEqualTo(1 + writers);
    assertThat(profile.getLong("version")).isGreaterThanOrEqualTo(1 + writers);
    as(WS)
        .get("/v1/profiles/" + profileId + "/audit?limit=50")
        .then()
        .body("findAll { it.field.startsWith('consent.') }.size()", equalTo(writers));
  }

  @Test
  void metricsShowEventsAppliedApiLatencyAndConsumerLag() {
    String profileId = Events.newProfileId();
    TestKafka.send(Events.identify(WS, profileId, "u-" + profileId, now, Map.of("plan", "pro")));
    awaitEvents(WS, profileId, 1);
    String metrics = io.restassured.RestAssured.get("/q/metrics").asString();
    assertThat(metrics)
        .contains("cdp_profile_events_total{outcome=\"applied\"")
        .contains("cdp_profile_event_apply_seconds_count")
        .contains("http_server_requests_seconds_count")
        .contains("uri=\"/v1/profiles/{ref}\"")
        .contains("kafka_consumer_fetch_manager_records_lag");
  }
}
