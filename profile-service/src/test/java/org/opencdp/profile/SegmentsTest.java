package org.opencdp.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.opencdp.profile.Api.as;
import static org.opencdp.profile.Api.awaitEvents;

import com.mongodb.client.MongoClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.contracts.SegmentMembershipChanged;
import org.opencdp.contracts.SegmentMembershipChanged.Kind;
import org.opencdp.contracts.Topics;
import org.opencdp.profile.config.Collections;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.MongoResource;

/** The segments view, fed from the real {@code cdp.segments.membership} topic. */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(MongoResource.class)
@QuarkusTest
class SegmentsTest {
  private static final String WS = "ws-f";

  @Inject MongoClient mongo;
  private final Instant base =
      Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofHours(1));

  private String profile() {
    String profileId = Events.newProfileId();
    TestKafka.send(
        Events.identify(WS, profileId, "user-" + profileId, base, Map.of("plan", "pro")));
    awaitEvents(WS, profileId, 1);
    return profileId;
  }

  private static SegmentMembershipChanged change(
      String profileId, String segmentId, Kind kind, Instant at, String reason) {
    return new SegmentMembershipChanged(
        UUID.randomUUID().toString(),
        WS,
        profileId,
        segmentId,
        "Segment " + segmentId,
        3,
        kind,
        reason,
        at);
  }

  private static void send(SegmentMembershipChanged change) {
    TestKafka.send(Topics.SEGMENTS_MEMBERSHIP, change.partitionKey(), TestKafka.write(change));
  }

  private static void awaitHistory(String ref, int size) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                as(WS)
                    .get("/v1/profiles/" + ref + "/segments")
                    .then()
                    .statusCode(200)
                    .body("history.size()", equalTo(size)));
  }

  @Test
  void currentSegmentsWithEnteredAtAndHistoryNewestFirst() {
    String profileId = profile();
    String vip = "vip-" + UUID.randomUUID();
    String cart = "cart-" + UUID.randomUUID();
    SegmentMembershipChanged enteredVip = change(profileId, vip, Kind.ENTERED, base, "backfill");
    send(enteredVip);
    send(change(profileId, cart, Kind.ENTERED, base.plusSeconds(10), "profile changed"));
    send(change(profileId, cart, Kind.EXITED, base.plusSeconds(20), "time window elapsed"));
    // late and older than the exit: recorded in the history, never brings the segment back
    send(change(profileId, cart, Kind.ENTERED, base.plusSeconds(15), "profile changed"));
    // a later ENTERED of a segment the profile is in keeps the first entered-at
    send(change(profileId, vip, Kind.ENTERED, base.plusSeconds(30), "segment version 4"));
    send(enteredVip); // redelivered: nothing new
    awaitHistory(profileId, 5);

    as(WS)
        .get("/v1/profiles/" + profileId + "/segments")
        .then()
        .body("current.size()", equalTo(1))
        .body("current[0].segmentId", equalTo(vip))
        .body("current[0].enteredAt", equalTo(base.toString()))
        .body("history[0].segmentId", equalTo(vip))
        .body("history[0].reason", equalTo("segment version 4"))
        .body("history[1].kind", equalTo("EXITED"))
        .body("history[1].occurredAt", equalTo(base.plusSeconds(20).toString()))
        .body("history[4].reason", equalTo("backfill"));
    as(WS)
        .get("/v1/profiles/user_id:user-" + profileId)
        .then()
        .body("segments.segmentId", equalTo(List.of(vip)))
        .body("segments[0].segmentName", equalTo("Segment " + vip));
    as("ws-b").get("/v1/profiles/" + profileId + "/segments").then().statusCode(404);
  }

  @Test
  void survivorTakesTheMergedProfilesSegmentsAndHistory() {
    String survivor = profile();
    String merged = profile();
    String ofSurvivor = "s-" + UUID.randomUUID();
    String ofMerged = "m-" + UUID.randomUUID();
    send(change(survivor, ofSurvivor, Kind.ENTERED, base, "backfill"));
    send(change(merged, ofMerged, Kind.ENTERED, base.plusSeconds(5), "backfill"));
    awaitHistory(survivor, 1);
    awaitHistory(merged, 1);

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
        .until(
            () ->
                as(WS).redirects().follow(false).get("/v1/profiles/" + merged).statusCode() == 307);
    // what the segment-service sends on a merge: the merged id exits everything
    send(change(merged, ofMerged, Kind.EXITED, base.plusSeconds(40), "merged into " + survivor));
    // and a late ENTERED addressed to the merged id lands on the survivor
    String late = "late-" + UUID.randomUUID();
    send(change(merged, late, Kind.ENTERED, base.plusSeconds(41), "profile changed"));
    awaitHistory(survivor, 4);

    as(WS)
        .get("/v1/profiles/" + survivor + "/segments")
        .then()
        .body("current.segmentId", containsInAnyOrder(ofSurvivor, ofMerged, late))
        .body("history.reason", hasItem("merged into " + survivor));
    as(WS).get("/v1/profiles/" + survivor).then().body("segments.size()", equalTo(3));
  }

  @Test
  void membershipNeverCreatesAProfile() {
    String unknown = Events.newProfileId();
    send(change(unknown, "seg", Kind.ENTERED, base, "backfill"));
    var db = mongo.getDatabase("cdp");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                db.getCollection(Collections.SEGMENT_HISTORY)
                        .countDocuments(new Document("profileId", unknown))
                    == 1);
    assertThat(
            db.getCollection(Collections.PROFILES)
                .countDocuments(new Document("_id", WS + ":" + unknown)))
        .isZero();
    as(WS).get("/v1/profiles/" + unknown).then().statusCode(404);
  }
}
