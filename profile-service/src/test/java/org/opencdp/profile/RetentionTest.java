package org.opencdp.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.opencdp.profile.Api.as;
import static org.opencdp.profile.Api.awaitEvents;

import com.mongodb.client.MongoClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.profile.config.Collections;
import org.opencdp.profile.profile.TimelineRetentionJob;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.MongoResource;

/**
 * Timeline retention per workspace: the expiry set at insert, the TTL index, and the purge job (run
 * by hand with a clock moved forward) folding what it removes into the profile's base state.
 */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(MongoResource.class)
@QuarkusTest
class RetentionTest {
  private static final String WS = "ws-g";

  @Inject TestClock clock;
  @Inject TimelineRetentionJob retention;
  @Inject MongoClient mongo;

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  private static void setRetention(int days) {
    as(WS)
        .contentType(ContentType.JSON)
        .body(Map.of("days", days))
        .put("/v1/timeline-retention")
        .then()
        .statusCode(200)
        .body("days", equalTo(days))
        .body("source", equalTo("workspace"));
  }

  private static void declare(String name, String aggregation, String property, Integer days) {
    Map<String, Object> body = new HashMap<>();
    body.put("aggregation", aggregation);
    body.put("event", "Order Completed");
    body.put("property", property);
    body.put("windowDays", days);
    as(WS)
        .contentType(ContentType.JSON)
        .body(body)
        .put("/v1/computed-traits/" + name)
        .then()
        .statusCode(200);
  }

  @Test
  void retentionIsAWorkspaceSettingWithAConfiguredDefault() {
    as(WS)
        .delete("/v1/timeline-retention")
        .then()
        .statusCode(200)
        .body("source", equalTo("default"));
    as(WS).get("/v1/timeline-retention").then().body("days", equalTo(730));
    as(WS)
        .contentType(ContentType.JSON)
        .body(Map.of("days", 0))
        .put("/v1/timeline-retention")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    setRetention(30);
    as(WS).get("/v1/timeline-retention").then().body("days", equalTo(30));
    as("ws-b").get("/v1/timeline-retention").then().body("days", equalTo(730));
    io.restassured.RestAssured.get("/v1/timeline-retention").then().statusCode(401);
  }

  @Test
  void expiredEventsLeaveTheTimelineButStillCountInRebuilds() {
    setRetention(30);
    declare("lifetime_revenue", "SUM", "revenue", null); // longer than the retention
    declare("orders_7d", "COUNT", null, 7); // shorter than the retention
    Instant base = Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofHours(1));
    String survivor = Events.newProfileId();
    String merged = Events.newProfileId();
    TestKafka.send(Events.identify(WS, survivor, "u-" + survivor, base, Map.of("plan", "pro")));
    TestKafka.send(
        Events.track(
            WS,
            survivor,
            "u-" + survivor,
            "Order Completed",
            base.plusSeconds(1),
            Map.of("revenue", 10)));
    TestKafka.send(
        Events.identify(WS, merged, "u-" + merged, base.plusSeconds(2), Map.of("city", "Lyon")));
    TestKafka.send(
        Events.track(
            WS,
            merged,
            "u-" + merged,
            "Order Completed",
            base.plusSeconds(3),
            Map.of("revenue", 5)));
    awaitEvents(WS, survivor, 2);
    awaitEvents(WS, merged, 2);

    var timeline = mongo.getDatabase("cdp").getCollection(Collections.TIMELINE);
    Document entry = timeline.find(new Document("profileId", survivor)).first();
    assertThat(entry.getDate("expiresAt").toInstant())
        .isEqualTo(entry.getDate("ts").toInstant().plus(Duration.ofDays(30)));
    boolean ttlIndex = false;
    for (Document index : timeline.listIndexes()) {
      if (((Document) index.get("key")).containsKey("expiresAt")) {
        ttlIndex = index.get("expireAfterSeconds", Number.class).longValue() == 86400;
      }
    }
    assertThat(ttlIndex).as("TTL index on expiresAt, one day of grace").isTrue();

    clock.advance(Duration.ofDays(29)); // not yet
    retention.runOnce().await().atMost(Duration.ofSeconds(30));
    as(WS).get("/v1/profiles/" + survivor + "/events").then().body("items.size()", equalTo(2));

    clock.advance(Duration.ofDays(2));
    assertThat(retention.runOnce().await().atMost(Duration.ofSeconds(30)))
        .isGreaterThanOrEqualTo(4);
    as(WS).get("/v1/profiles/" + survivor + "/events").then().body("items.size()", equalTo(0));
    assertThat(
            timeline.countDocuments(
                new Document("profileId", new Document("$in", List.of(survivor, merged)))))
        .isZero();
    as(WS)
        .get("/v1/profiles/" + survivor)
        .then()
        .body("traits.plan", equalTo("pro"))
        .body("computedTraits.lifetime_revenue", equalTo(10.0f))
        .body("eventCount", equalTo(2));

    // a merge rebuilds the survivor: from the base states, as no event is left on the timeline
    TestKafka.send(
        new IdentityChange(
            UUID.randomUUID().toString(),
            WS,
            IdentityChange.Kind.MERGED,
            survivor,
            merged,
            List.of(),
            "test",
            null,
            Instant.now()));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                as(WS)
                    .get("/v1/profiles/" + survivor)
                    .then()
                    .body("traits.plan", equalTo("pro"))
                    .body("traits.city", equalTo("Lyon"))
                    .body("computedTraits.lifetime_revenue", equalTo(15.0f))
                    .body("computedTraits.orders_7d", nullValue()) // those orders are 31 days old
                    .body("eventCount", equalTo(4)));

    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    TestKafka.send(
        Events.track(WS, survivor, "u-" + survivor, "Order Completed", now, Map.of("revenue", 1)));
    awaitEvents(WS, survivor, 5);
    as(WS)
        .get("/v1/profiles/" + survivor)
        .then()
        .body("computedTraits.lifetime_revenue", equalTo(16.0f))
        .body("computedTraits.orders_7d", equalTo(1));
  }
}
