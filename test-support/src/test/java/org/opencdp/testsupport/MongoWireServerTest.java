package org.opencdp.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The test double's shortcuts ({@link LeanMemoryBackend}) answer as MongoDB would. */
class MongoWireServerTest {
  private static MongoWireServer server;
  private static MongoClient client;

  @BeforeAll
  static void start() {
    server = MongoWireServer.start(FreePorts.next());
    client = MongoClients.create(server.connectionString());
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  @Test
  void findByIdInListReturnsExactlyTheListedDocumentsThatExist() {
    MongoCollection<Document> docs = collection("in-list");
    for (int i = 0; i < 50; i++) {
      docs.insertOne(new Document("_id", "p" + i).append("n", i));
    }
    List<Document> found =
        docs.find(Filters.in("_id", List.of("p3", "p17", "p3", "missing", "p49")))
            .into(new ArrayList<>());
    assertThat(found)
        .extracting(d -> d.getString("_id"))
        .containsExactlyInAnyOrder("p3", "p17", "p49");
    assertThat(found).extracting(d -> d.getInteger("n")).containsExactlyInAnyOrder(3, 17, 49);
  }

  @Test
  void anyOtherConditionNextToTheIdListIsStillApplied() {
    MongoCollection<Document> docs = collection("in-list-and");
    docs.insertOne(new Document("_id", "a").append("ws", "one"));
    docs.insertOne(new Document("_id", "b").append("ws", "two"));
    assertThat(
            docs.find(Filters.and(Filters.in("_id", List.of("a", "b")), Filters.eq("ws", "two")))
                .into(new ArrayList<>()))
        .extracting(d -> d.getString("_id"))
        .containsExactly("b");
  }

  @Test
  void onlyAPlainIdListSkipsTheSecondMatch() {
    assertThat(LeanMemoryBackend.LeanCollection.isIdInPlainList(idIn(List.of("a", "b")))).isTrue();
    assertThat(LeanMemoryBackend.LeanCollection.isIdInPlainList(idIn(List.of("a", 1)))).isFalse();
    assertThat(
            LeanMemoryBackend.LeanCollection.isIdInPlainList(
                idIn(List.of("a")).append("ws", "one")))
        .isFalse();
    assertThat(
            LeanMemoryBackend.LeanCollection.isIdInPlainList(
                new de.bwaldvogel.mongo.bson.Document("_id", "a")))
        .isFalse();
  }

  @Test
  void keepsNoDataSizeFigureThatWouldCostAnEncodingPerWrite() {
    MongoCollection<Document> docs = collection("sized");
    docs.insertOne(new Document("_id", "s").append("payload", "x".repeat(10_000)));
    docs.updateOne(Filters.eq("_id", "s"), new Document("$set", new Document("more", "y")));
    Document stats = client.getDatabase("probe").runCommand(new Document("collStats", "sized"));
    assertThat(stats.get("count", Number.class).intValue()).isEqualTo(1);
    assertThat(stats.get("size", Number.class).longValue()).isZero();
  }

  private static MongoCollection<Document> collection(String name) {
    return client.getDatabase("probe").getCollection(name);
  }

  private static de.bwaldvogel.mongo.bson.Document idIn(List<?> ids) {
    return new de.bwaldvogel.mongo.bson.Document(
        "_id", new de.bwaldvogel.mongo.bson.Document("$in", ids));
  }
}
