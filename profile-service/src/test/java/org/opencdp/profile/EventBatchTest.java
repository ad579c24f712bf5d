package org.opencdp.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.profile.Api.as;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.codecs.DocumentCodec;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.profile.profile.FinishedOutboxCleaner;
import org.opencdp.profile.profile.FinishedOutboxes;
import org.opencdp.profile.profile.ProfileEventBatch;
import org.opencdp.profile.profile.ProfileEvents;
import org.opencdp.profile.profile.StoreWorkLedger;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.MongoResource;

/**
 * The poll-batch path ({@link ProfileEventBatch}) against the one-event-at-a-time path: the same
 * events give the same profile, a redelivered batch changes nothing, and the outboxes are cleared.
 * Batches are applied directly (a Kafka poll decides its own batch boundaries).
 */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(MongoResource.class)
@QuarkusTest
class EventBatchTest {
  private static final String WS = "ws-a";

  @Inject ProfileEventBatch batch;
  @Inject ProfileEvents single;
  @Inject StoreWorkLedger ledger;
  @Inject FinishedOutboxCleaner cleaner;
  @Inject FinishedOutboxes finished;
  @Inject com.mongodb.client.MongoClient mongo;

  private final Instant base =
      Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofHours(1));

  /** One profile's events, out of event-time order, with one delivered twice. */
  private List<EventEnvelope> history(String profileId) {
    String user = "u-" + profileId;
    EventEnvelope order = track(profileId, user, 2, 10);
    return List.of(
        Events.identify(
            WS, profileId, user, base.plusSeconds(3), Map.of("plan", "pro", "email", email(user))),
        Events.identify(
            WS, profileId, user, base.plusSeconds(1), Map.of("plan", "free", "city", "Lyon")),
        order,
        Events.identify(WS, profileId, user, base.plusSeconds(4), Map.of("city", "Paris")),
        track(profileId, user, 5, 5),
        order);
  }

  private EventEnvelope track(String profileId, String user, int second, int revenue) {
    return Events.track(
        WS,
        profileId,
        user,
        "Order Completed",
        base.plusSeconds(second),
        Map.of("revenue", revenue));
  }

  private static String email(String user) {
    return user + "@example.com";
  }

  private List<ProfileEvents.Parsed> parsed(List<EventEnvelope> events) {
    return events.stream().map(e -> single.parse(TestKafka.write(e))).toList();
  }

  private Document stored(String profileId) {
    return mongo
        .getDatabase("cdp")
        .getCollection("profiles")
        .find(new Document("_id", WS + ":" + profileId))
        .first();
  }

  /** Audit entries as (field, old, new), emails replaced by a placeholder, in a stable order. */
  private List<String> audit(String profileId) {
    List<String> rows = new ArrayList<>();
    JsonPath audit = as(WS).get("/v1/profiles/" + profileId + "/audit").jsonPath();
    List<Map<String, Object>> entries = audit.getList("$");
    for (Map<String, Object> e : entries) {
      rows.add(
          (e.get("field") + "|" + e.get("oldValue") + "|" + e.get("newValue"))
              .replace(email("u-" + profileId), "EMAIL"));
    }
    rows.sort(Comparator.naturalOrder());
    return rows;
  }

  @Test
  void aBatchTouchingOneProfileSeveralTimesEndsAsTheEventsAppliedOneByOne() {
    String batched = Events.newProfileId();
    String oneByOne = Events.newProfileId();

    batch.apply(parsed(history(batched))).await().atMost(Duration.ofSeconds(30));
    for (ProfileEvents.Parsed event : parsed(history(oneByOne))) {
      single.apply(event).await().atMost(Duration.ofSeconds(30));
    }

    JsonPath a = as(WS).get("/v1/profiles/" + batched).jsonPath();
    JsonPath b = as(WS).get("/v1/profiles/" + oneByOne).jsonPath();
    assertThat(a.getMap("traits")).containsEntry("plan", "pro").containsEntry("city", "Paris");
    assertThat(a.getInt("eventCount")).isEqualTo(5).isEqualTo(b.getInt("eventCount"));
    assertThat(a.getMap("traits")).containsEntry("email", email("u-" + batched));
    assertThat(b.getMap("traits")).containsEntry("plan", "pro").containsEntry("city", "Paris");
    assertThat(a.getString("firstSeen")).isEqualTo(b.getString("firstSeen"));
    assertThat(a.getString("lastSeen")).isEqualTo(b.getString("lastSeen"));
    assertThat(a.getList("identifiers.type"))
        .containsExactlyInAnyOrderElementsOf(b.getList("identifiers.type"));
    assertThat(as(WS).get("/v1/profiles/" + batched + "/events").jsonPath().getList("items"))
        .hasSize(5);
    assertThat(audit(batched)).isNotEmpty().isEqualTo(audit(oneByOne));
    // one profile write for the whole batch, one per event one by one
    assertThat(stored(batched).get("version", Number.class).longValue()).isEqualTo(1);
    assertThat(stored(oneByOne).get("version", Number.class).longValue()).isEqualTo(5);
    as(WS).get("/v1/profiles/email:" + email("u-" + batched)).then().statusCode(200);
  }

  @Test
  void aRedeliveredBatchChangesNothing() {
    String profileId = Events.newProfileId();
    List<EventEnvelope> events = history(profileId);
    batch.apply(parsed(events)).await().atMost(Duration.ofSeconds(30));
    Document first = stored(profileId);
    List<String> auditBefore = audit(profileId);

    batch.apply(parsed(events)).await().atMost(Duration.ofSeconds(30));

    Document again = stored(profileId);
    assertThat(again.get("version")).isEqualTo(first.get("version"));
    assertThat(again.get("eventCount")).isEqualTo(first.get("eventCount"));
    assertThat(again.get("traits")).isEqualTo(first.get("traits"));
    assertThat(audit(profileId)).isEqualTo(auditBefore);
    assertThat(as(WS).get("/v1/profiles/" + profileId + "/events").jsonPath().getList("items"))
        .hasSize(5);
  }

  private com.mongodb.client.MongoCollection<Document> timeline() {
    return mongo.getDatabase("cdp").getCollection("timeline");
  }

  private long eventCount(String profileId) {
    return stored(profileId).get("eventCount", Number.class).longValue();
  }

  /**
   * A crash after the profile write but before the applied marks leaves the entries unapplied; the
   * redelivered batch must fold none of them again (the profile's recent keys decide) and marks
   * them. Pins what any change to the applied mark has to keep.
   */
  @Test
  void aRedeliveryAfterACrashBeforeTheAppliedMarksFoldsNothingTwice() {
    String profileId = Events.newProfileId();
    List<EventEnvelope> events = history(profileId);
    batch.apply(parsed(events)).await().atMost(Duration.ofSeconds(30));
    Document first = stored(profileId);
    Document ofProfile = new Document("workspaceId", WS).append("profileId", profileId);
    timeline()
        .updateMany(ofProfile, new Document("$set", new Document("applied", false))); // the crash

    batch.apply(parsed(events)).await().atMost(Duration.ofSeconds(30));

    Document again = stored(profileId);
    assertThat(again.get("version")).isEqualTo(first.get("version"));
    assertThat(again.get("eventCount")).isEqualTo(first.get("eventCount"));
    assertThat(again.get("traits")).isEqualTo(first.get("traits"));
    assertThat(timeline().countDocuments(ofProfile)).isEqualTo(5);
    assertThat(timeline().countDocuments(ofProfile.append("applied", true))).isEqualTo(5);
  }

  /**
   * A duplicate that comes after its key has left the profile's recent keys (more than the dedup
   * window of later events) is still a duplicate: the applied timeline entry says so. Dropping the
   * applied mark (entries left unapplied) would fold it a second time.
   */
  @Test
  void aLateDuplicateWhoseKeyLeftTheRecentKeysIsNotFoldedAgain() {
    String profileId = Events.newProfileId();
    String user = "u-" + profileId;
    EventEnvelope early = track(profileId, user, 1, 10);
    batch.apply(parsed(List.of(early))).await().atMost(Duration.ofSeconds(30));
    int later = 40; // more than the dedup window (32)
    for (int i = 0; i < later; i++) {
      batch
          .apply(parsed(List.of(track(profileId, user, 2 + i, i))))
          .await()
          .atMost(Duration.ofSeconds(30));
    }
    String earlyKey = single.parse(TestKafka.write(early)).key();
    assertThat(stored(profileId).getList("recent", String.class)).doesNotContain(earlyKey);
    assertThat(eventCount(profileId)).isEqualTo(later + 1);

    batch.apply(parsed(List.of(early))).await().atMost(Duration.ofSeconds(30));
    single.apply(single.parse(TestKafka.write(early))).await().atMost(Duration.ofSeconds(30));

    assertThat(eventCount(profileId)).isEqualTo(later + 1);
  }

  @Test
  void theOutboxIsClearedOnceTheMessagesAreAcknowledgedAndTheLedgerEmpties() {
    String profileId = Events.newProfileId();
    batch.apply(parsed(history(profileId))).await().atMost(Duration.ofSeconds(30));

    Outboxes.awaitCleared(mongo, cleaner, WS, profileId);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> ledger.size() == 0);
    // the store part was carried out before the clear: audit and identifier index are there
    assertThat(audit(profileId)).anyMatch(row -> row.startsWith("traits.city|"));
    as(WS).get("/v1/profiles/email:" + email("u-" + profileId)).then().statusCode(200);
    assertThat(TestKafka.awaitProfileChanged(WS, profileId, c -> c.changedFields().size() > 0))
        .isNotNull();
  }

  @Test
  void anAcknowledgedMessageWaitsInTheDocumentForTheCleanerAndIsNeverSentTwice() {
    String profileId = Events.newProfileId();
    String user = "u-" + profileId;
    batch
        .apply(parsed(List.of(Events.identify(WS, profileId, user, base, Map.of("plan", "pro")))))
        .await()
        .atMost(Duration.ofSeconds(30));
    TestKafka.awaitProfileChanged(WS, profileId, c -> c.changedFields().contains("traits.plan"));

    // acknowledged: recorded as finished, so a writer reading this version drops the outbox,
    // while the document keeps it until the cleaner's bulk write or the profile's next write
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> finished.holds(WS, profileId, 1));
    Document acknowledged = stored(profileId).get("outbox", Document.class);
    assertThat(acknowledged.getList("fields", String.class)).contains("traits.plan");
    // its store part (audit, identifier index) was cleared at the ack
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> !stored(profileId).get("outbox", Document.class).containsKey("ids"));

    EventEnvelope moved =
        Events.identify(WS, profileId, user, base.plusSeconds(9), Map.of("city", "Lyon"));
    batch.apply(parsed(List.of(moved))).await().atMost(Duration.ofSeconds(30));
    ProfileChanged next = TestKafka.awaitProfileChanged(WS, profileId, c -> c.version() == 2);
    assertThat(next.changedFields()).containsExactly("traits.city");
    assertThat(stored(profileId).get("outbox", Document.class).getList("fields", String.class))
        .containsExactly("traits.city");

    Outboxes.awaitCleared(mongo, cleaner, WS, profileId);
    assertThat(stored(profileId).get("version", Number.class).longValue()).isEqualTo(2);
  }

  private static int bsonSize(RawBsonDocument doc) {
    return doc.getByteBuffer().remaining();
  }

  @Test
  void aTrackEventOnAnExistingProfileWritesOnlyWhatChanged() {
    String profileId = Events.newProfileId();
    String user = "u-" + profileId;
    batch.apply(parsed(history(profileId))).await().atMost(Duration.ofSeconds(30));
    Outboxes.awaitCleared(mongo, cleaner, WS, profileId);
    Document before = stored(profileId);
    List<ProfileEvents.Parsed> track = parsed(List.of(track(profileId, user, 9, 7)));

    StoreCommands.captureProfileUpdates();
    batch.apply(track).await().atMost(Duration.ofSeconds(30));
    List<BsonDocument> updates = StoreCommands.capturedProfileUpdates();

    // one update statement, not a replacement: only what the event changed is sent
    assertThat(updates).hasSize(1);
    BsonDocument u = updates.get(0).getDocument("u");
    assertThat(u.keySet()).allMatch(k -> k.startsWith("$"));
    assertThat(u.getDocument("$set").keySet())
        .contains("version", "lastSeen", "eventCount")
        .doesNotContain("traits", "identifiers", "consent", "firstSeen", "workspaceId");
    assertThat(u.getDocument("$push").getDocument("recent").getArray("$each"))
        .extracting(v -> v.asString().getValue())
        .containsExactly(track.get(0).key());
    // and the stored document is the one a whole write would have left
    Document after = stored(profileId);
    assertThat(bsonSize(new RawBsonDocument(u, new BsonDocumentCodec())))
        .isLessThan(bsonSize(new RawBsonDocument(after, new DocumentCodec())) / 3);
    assertThat(after.get("version", Number.class).longValue())
        .isEqualTo(before.get("version", Number.class).longValue() + 1);
    assertThat(after.get("eventCount", Number.class).longValue())
        .isEqualTo(before.get("eventCount", Number.class).longValue() + 1);
    assertThat(after.get("traits")).isEqualTo(before.get("traits"));
    assertThat(after.get("identifiers")).isEqualTo(before.get("identifiers"));
    List<String> recent = new ArrayList<>(before.getList("recent", String.class));
    recent.add(track.get(0).key());
    assertThat(after.getList("recent", String.class)).isEqualTo(recent);
    assertThat(as(WS).get("/v1/profiles/" + profileId).jsonPath().getMap("traits"))
        .containsEntry("plan", "pro")
        .containsEntry("city", "Paris");
  }
}
