package org.opencdp.profile;

import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import java.time.Duration;
import java.time.Instant;
import org.bson.Document;
import org.opencdp.profile.profile.FinishedOutboxCleaner;

/**
 * Waits until a profile's outbox has left its document. Tests run with a clear delay of an hour, so
 * this clears the finished outboxes itself, as {@link FinishedOutboxCleaner} would once they are
 * old enough.
 */
final class Outboxes {
  private Outboxes() {}

  static void awaitCleared(
      MongoClient mongo, FinishedOutboxCleaner cleaner, String workspaceId, String profileId) {
    var profiles = mongo.getDatabase("cdp").getCollection("profiles");
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              cleaner.runOnce(Instant.now().plus(Duration.ofHours(2))).await().indefinitely();
              Document doc =
                  profiles.find(new Document("_id", workspaceId + ":" + profileId)).first();
              return doc != null && !doc.containsKey("outbox");
            });
  }
}
