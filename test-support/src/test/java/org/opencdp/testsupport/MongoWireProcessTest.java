package org.opencdp.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test double in a JVM of its own answers like the in-process one and stops with close(). */
class MongoWireProcessTest {

  @Test
  void answersOnItsPortFromAnotherJvmAndIsGoneAfterClose(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("mongo-wire.log");
    MongoWireProcess mongo =
        MongoWireProcess.start(FreePorts.next(), log, List.of("-Xmx256m", "-XX:+UseSerialGC"));
    ProcessHandle child = ProcessHandle.of(mongo.pid()).orElseThrow();
    assertThat(child.pid()).isNotEqualTo(ProcessHandle.current().pid());
    try (var client = MongoClients.create(mongo.connectionString())) {
      var docs = client.getDatabase("probe").getCollection("docs");
      docs.insertOne(new Document("_id", "d1").append("n", 1));
      assertThat(docs.find(new Document("_id", "d1")).first()).containsEntry("n", 1);
    }
    assertThat(Files.readString(log)).contains("listening on port");

    mongo.close();
    assertThat(child.isAlive()).isFalse();
  }

  @Test
  void aDoubleThatCannotStartFailsWithItsLog(@TempDir Path dir) {
    Path log = dir.resolve("mongo-wire.log");
    assertThatThrownBy(() -> MongoWireProcess.start(FreePorts.next(), log, List.of("-Xmx1k")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited at start")
        .hasMessageContaining(log.toString());
  }
}
