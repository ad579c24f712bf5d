package org.opencdp.profile.profile;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.MongoResource;

/**
 * {@link DocumentDiff} applied by the MongoDB-wire test double under the version filter leaves
 * exactly the new document, for every kind of change a profile write makes; and it sends only what
 * changed.
 */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(MongoResource.class)
@QuarkusTest
class DocumentDiffTest {
  @Inject MongoClient mongo;

  private MongoCollection<Document> scratch() {
    return mongo.getDatabase("cdp").getCollection("diff-scratch");
  }

  private static List<String> keys(String prefix, int from, int to) {
    List<String> keys = new ArrayList<>();
    for (int i = from; i < to; i++) {
      keys.add(prefix + i);
    }
    return keys;
  }

  private static Document profile(String id, long version, List<String> recent) {
    return new Document("_id", id)
        .append("version", version)
        .append("status", "ACTIVE")
        .append("mergedInto", null)
        .append(
            "traits",
            new Document("plan", new Document("v", "pro").append("ek", "e1"))
                .append("city", new Document("v", "Lyon").append("ek", "e2")))
        .append(
            "computedStates",
            new Document(
                "orders",
                new Document("2026-11-25", new Document("c", 1L).append("s", 10.0))
                    .append("2026-11-24", new Document("c", 2L).append("s", 3.0))))
        .append("identifiers", List.of(new Document("t", "user_id").append("h", "h1")))
        .append("lastSeen", new Date(1_000))
        .append("eventCount", 3L)
        .append("recent", recent)
        .append("outbox", new Document("fields", List.of("traits.city")));
  }

  /** Writes {@code stored}, applies the diff to {@code next}, returns what the store holds. */
  private Document roundTrip(Document stored, Document next) {
    scratch().insertOne(stored);
    Document update = DocumentDiff.update(stored, next);
    long matched =
        scratch()
            .updateOne(
                new Document("_id", stored.get("_id")).append("version", stored.get("version")),
                update)
            .getMatchedCount();
    assertThat(matched).isEqualTo(1);
    return scratch().find(new Document("_id", stored.get("_id"))).first();
  }

  @Test
  void everyKindOfChangeLeavesExactlyTheNewDocument() {
    String id = UUID.randomUUID().toString();
    Document stored = profile(id, 4, keys("k", 0, 32));
    Document next = profile(id, 5, keys("k", 2, 34)); // two keys in, the two oldest out
    next.get("traits", Document.class).put("city", new Document("v", "Paris").append("ek", "e9"));
    next.get("traits", Document.class).put("odd%2Ekey", new Document("v", 1).append("ek", "e9"));
    next.get("traits", Document.class).remove("plan");
    Document orders = next.get("computedStates", Document.class).get("orders", Document.class);
    orders.put("2026-11-25", new Document("c", 2L).append("s", 17.0));
    orders.remove("2026-11-24");
    next.put("lastSeen", new Date(2_000));
    next.put("eventCount", 5L);
    next.remove("outbox");
    next.put("suppressed", true);

    Document update = DocumentDiff.update(stored, next);

    assertThat(roundTrip(stored, next)).isEqualTo(next);
    assertThat(update.get("$set", Document.class).keySet())
        .containsExactlyInAnyOrder(
            "version",
            "traits.city.v", // field by field down to three levels
            "traits.city.ek",
            "traits.odd%2Ekey",
            "computedStates.orders.2026-11-25",
            "lastSeen",
            "eventCount",
            "suppressed");
    assertThat(update.get("$unset", Document.class).keySet())
        .containsExactlyInAnyOrder("traits.plan", "computedStates.orders.2026-11-24", "outbox");
    assertThat(update.get("$push", Document.class).get("recent", Document.class))
        .isEqualTo(new Document("$each", List.of("k32", "k33")).append("$slice", -32));
  }

  @Test
  void aListThatDidNotOnlyGrowAtItsEndIsWrittenWhole() {
    String id = UUID.randomUUID().toString();
    Document stored = profile(id, 1, keys("k", 0, 3));
    Document next = profile(id, 2, List.of("k1", "x", "k2")); // not old keys followed by new

    Document update = DocumentDiff.update(stored, next);

    assertThat(roundTrip(stored, next)).isEqualTo(next);
    assertThat(update.get("$set", Document.class).keySet())
        .containsExactlyInAnyOrder("version", "recent");
    assertThat(update).doesNotContainKey("$push");
  }

  @Test
  void aSubDocumentWithAKeyThatCannotBeAPathIsWrittenWhole() {
    Document stored = new Document("_id", "x").append("traits", new Document("", 1));
    Document next = new Document("_id", "x").append("traits", new Document("", 2));

    assertThat(DocumentDiff.update(stored, next))
        .isEqualTo(new Document("$set", new Document("traits", new Document("", 2))));
  }

  @Test
  void appendedIsTheShortestTailThatKeepsTheNewestElements() {
    assertThat(DocumentDiff.appended(List.of("a", "b", "c"), List.of("b", "c", "d")))
        .containsExactly("d");
    assertThat(DocumentDiff.appended(List.of("a", "b"), List.of("a", "b", "c", "d")))
        .containsExactly("c", "d");
    assertThat(DocumentDiff.appended(List.of("a", "b"), List.of("c", "d"))).isNull();
    assertThat(DocumentDiff.appended(List.of("a", "b", "c"), List.of("b", "c"))).isNull();
    assertThat(DocumentDiff.appended(List.of(), List.of("a"))).isNull();
  }
}
