package org.opencdp.profile.profile;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.opencdp.profile.config.Collections;

/** Profile documents: read whole, written whole under an optimistic version check. */
@ApplicationScoped
public class ProfileStore {
  private final ReactiveMongoCollection<Document> profiles;
  private final ProfileDocuments documents;

  ProfileStore(Collections collections, ProfileDocuments documents) {
    this.profiles = collections.get(Collections.PROFILES);
    this.documents = documents;
  }

  /** The profile, or a new unsaved one (version 0). */
  public Uni<Profile> load(String workspaceId, String profileId) {
    return profiles
        .find(Filters.eq("_id", ProfileDocuments.id(workspaceId, profileId)))
        .collect()
        .first()
        .map(
            doc -> doc == null ? new Profile(workspaceId, profileId) : documents.fromDocument(doc));
  }

  /**
   * Writes the profile if nobody wrote it since it was read; false on a lost race (the caller
   * re-reads and retries).
   */
  public Uni<Boolean> save(Profile profile) {
    long next = profile.version + 1;
    Document doc = documents.toDocument(profile, next);
    Uni<Boolean> write;
    if (profile.version == 0) {
      write =
          profiles
              .insertOne(doc)
              .map(r -> true)
              .onFailure(ProfileStore::isDuplicateKey)
              .recoverWithItem(false);
    } else {
      write =
          profiles
              .replaceOne(versioned(doc.get("_id"), profile.version), doc)
              .map(r -> r.getMatchedCount() == 1);
    }
    return write.invoke(
        saved -> {
          if (saved) {
            profile.version = next;
          }
        });
  }

  /** Clears the outbox once its work is done, unless someone wrote the profile since. */
  public Uni<Void> clearOutbox(String workspaceId, String profileId, long version) {
    return profiles
        .updateOne(
            versioned(ProfileDocuments.id(workspaceId, profileId), version),
            Updates.unset("outbox"))
        .replaceWithVoid();
  }

  /**
   * Marks the audit and identifier part of the outbox done (the message part waits for its ack), so
   * that a busy profile's outbox does not grow while acks are in flight.
   */
  public Uni<Void> clearOutboxStoreWork(String workspaceId, String profileId, long version) {
    return profiles
        .updateOne(
            versioned(ProfileDocuments.id(workspaceId, profileId), version),
            Updates.combine(Updates.unset("outbox.audit"), Updates.unset("outbox.ids")))
        .replaceWithVoid();
  }

  /** Profiles whose outbox has been waiting since before {@code olderThan} (lost acks). */
  public Uni<List<Document>> pendingOutboxes(Instant olderThan, int limit) {
    return profiles
        .find(
            Filters.lte("outbox.at", Date.from(olderThan)),
            new FindOptions()
                .limit(limit)
                .projection(new Document("workspaceId", 1).append("profileId", 1)))
        .collect()
        .asList();
  }

  /** Profiles whose computed-trait window moves before {@code now}. */
  public Uni<List<Document>> dueForExpiry(Instant now, int limit) {
    return profiles
        .find(
            Filters.lte("nextExpiry", Date.from(now)),
            new FindOptions()
                .limit(limit)
                .projection(new Document("workspaceId", 1).append("profileId", 1)))
        .collect()
        .asList();
  }

  /** Profiles merged into {@code profileId}. */
  public Uni<List<String>> mergedInto(String workspaceId, String profileId) {
    return profiles
        .find(
            Filters.and(
                Filters.eq("workspaceId", workspaceId), Filters.eq("mergedInto", profileId)),
            new FindOptions().projection(new Document("profileId", 1)))
        .map(d -> d.getString("profileId"))
        .collect()
        .asList();
  }

  public Uni<Long> delete(String workspaceId, List<String> profileIds) {
    return profiles
        .deleteMany(
            Filters.in(
                "_id",
                profileIds.stream().map(id -> ProfileDocuments.id(workspaceId, id)).toList()))
        .map(r -> r.getDeletedCount());
  }

  /** Bulk seeding, for the benchmark only. */
  public Uni<Void> insertAll(List<Profile> batch) {
    return profiles
        .insertMany(batch.stream().map(p -> documents.toDocument(p, 1)).toList())
        .replaceWithVoid();
  }

  /**
   * {@code {_id, version}} as a plain document: served by the _id index on MongoDB, and by the
   * unique {_id, version} index on mongo-java-server (which only uses an index whose keys equal the
   * filter's keys, and never for {@code $and}).
   */
  private static Document versioned(Object id, long version) {
    return new Document("_id", id).append("version", version);
  }

  static boolean isDuplicateKey(Throwable failure) {
    return failure instanceof MongoWriteException e
        && e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY;
  }
}
