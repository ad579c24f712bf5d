package org.opencdp.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.opencdp.profile.Api.as;
import static org.opencdp.profile.Api.awaitEvents;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.profile.computed.WindowExpiryJob;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.MongoResource;

@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(MongoResource.class)
@QuarkusTest
class ComputedTraitsTest {
  private static final String WS = "ws-c";

  @Inject TestClock clock;
  @Inject WindowExpiryJob expiry;

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  private static void declare(
      String name, String aggregation, String property, Integer windowDays) {
    Map<String, Object> body = new HashMap<>();
    body.put("aggregation", aggregation);
    body.put("event", "Order Completed");
    body.put("property", property);
    body.put("windowDays", windowDays);
    as(WS)
        .contentType(ContentType.JSON)
        .body(body)
        .put("/v1/computed-traits/" + name)
        .then()
        .statusCode(200)
        .body("name", equalTo(name));
  }

  private void order(String profileId, Instant at, double revenue, String category) {
    TestKafka.send(
        Events.track(
            WS,
            profileId,
            "u-" + profileId,
            "Order Completed",
            at,
            Map.of("revenue", revenue, "category", category)));
  }

  @Test
  void everyAggregationOverAllTimeAndASlidingWindowIncludingExpiry() {
    declare("orders_30d", "COUNT", null, 30);
    declare("revenue_30d", "SUM", "revenue", 30);
    declare("lifetime_revenue", "SUM", "revenue", null);
    declare("favourite_category", "MOST_FREQUENT", "category", null);
    declare("first_category", "FIRST", "category", null);
    declare("last_category", "LAST", "category", null);
    declare("biggest_order", "MAX", "revenue", null);
    declare("smallest_order", "MIN", "revenue", null);
    declare("average_order", "AVG", "revenue", null);

    String profileId = Events.newProfileId();
    Instant now = clock.instant();
    order(profileId, now.minus(Duration.ofDays(40)), 100, "c"); // outside the 30-day window already
    order(profileId, now.minus(Duration.ofDays(20)), 10, "a");
    order(
        profileId, now.minus(Duration.ofDays(1)), 20, "b"); // sent before an older one: order-free
    order(profileId, now.minus(Duration.ofDays(5)), 30, "b");
    awaitEvents(WS, profileId, 4);

    as(WS)
        .get("/v1/profiles/" + profileId)
        .then()
        .body("computedTraits.orders_30d", equalTo(3))
        .body("computedTraits.revenue_30d", equalTo(60.0f))
        .body("computedTraits.lifetime_revenue", equalTo(160.0f))
        .body("computedTraits.favourite_category", equalTo("b"))
        .body("computedTraits.first_category", equalTo("c"))
        .body("computedTraits.last_category", equalTo("b"))
        .body("computedTraits.biggest_order", equalTo(100.0f))
        .body("computedTraits.smallest_order", equalTo(10.0f))
        .body("computedTraits.average_order", equalTo(40.0f));

    clock.advance(Duration.ofDays(11)); // the order of 20 days ago is now 31 days old
    expiry.runOnce().await().indefinitely();

    as(WS)
        .get("/v1/profiles/" + profileId)
        .then()
        .body("computedTraits.orders_30d", equalTo(2))
        .body("computedTraits.revenue_30d", equalTo(50.0f))
        .body("computedTraits.lifetime_revenue", equalTo(160.0f));
    ProfileChanged slid =
        TestKafka.awaitProfileChanged(
            WS,
            profileId,
            c -> c.changedFields().contains("computed.orders_30d") && c.causingEventKey() == null);
    assertThat(slid.changedFields())
        .contains("computed.revenue_30d")
        .doesNotContain("computed.lifetime_revenue");
    assertThat(((Number) slid.computedTraits().get("orders_30d")).intValue()).isEqualTo(2);

    clock.advance(Duration.ofDays(30)); // every order left the window
    expiry.runOnce().await().indefinitely();
    as(WS)
        .get("/v1/profiles/" + profileId)
        .then()
        .body("computedTraits.orders_30d", equalTo(0))
        .body("computedTraits.revenue_30d", equalTo(null))
        .body("computedTraits.lifetime_revenue", equalTo(160.0f));
  }

  @Test
  void aDeclarationWithoutThePropertyItNeedsIsRefused() {
    as(WS)
        .contentType(ContentType.JSON)
        .body(Map.of("aggregation", "SUM"))
        .put("/v1/computed-traits/bad_sum")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    as(WS)
        .contentType(ContentType.JSON)
        .body(Map.of("aggregation", "MEDIAN", "property", "x"))
        .put("/v1/computed-traits/bad_kind")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    // Found by the end-to-end hostile-input drill: a 2 MB event name was stored.
    as(WS)
        .contentType(ContentType.JSON)
        .body(Map.of("aggregation", "COUNT", "event", "e".repeat(2_000_000)))
        .put("/v1/computed-traits/huge_event")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    as(WS).get("/v1/computed-traits").then().body("name", not(hasItem("huge_event")));
  }

  @Test
  void definitionsAreVisibleOnlyToTheirWorkspace() {
    declare("only_in_c", "COUNT", null, null);
    await()
        .untilAsserted(
            () ->
                as(WS)
                    .get("/v1/computed-traits")
                    .then()
                    .body("name", org.hamcrest.Matchers.hasItem("only_in_c")));
    as("ws-b")
        .get("/v1/computed-traits")
        .then()
        .body("name", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("only_in_c")));
  }
}
