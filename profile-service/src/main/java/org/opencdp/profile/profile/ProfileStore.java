package org.opencdp.profile.profile;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.opencdp.profile.config.Collections;

/** Profile documents: read whole, written whole under an optimistic version check. */
@ApplicationScoped
public class ProfileStore {
  private final ReactiveMongoCollection<Document> profiles;
  private final ProfileDocuments documents;
  private final StoreWorkLedger storeWorkDone;
  private final FinishedOutboxes finished;

  ProfileStore(
      Collections collections,
      ProfileDocuments documents,
      StoreWorkLedger storeWorkDone,
      FinishedOutboxes finished) {
    this.profiles = collections.get(Collections.PROFILES);
    this.documents = documents;
    this.storeWorkDone = storeWorkDone;
    this.finished = finished;
  }

  /** A profile read for writing: without the outbox work this instance already carried out. */
  private Profile forWrite(Document doc) {
    Profile p = documents.fromDocument(doc);
    p.storedDocument = doc;
    storeWorkDone.dropDone(p);
    finished.dropFinished(p);
    return p;
  }

  /** The profile, or a new unsaved one (version 0). */
  public Uni<Profile> load(String workspaceId, String profileId) {
    return profiles
        .find(Filters.eq("_id", ProfileDocuments.id(workspaceId, profileId)))
        .collect()
        .first()
        .map(doc -> doc == null ? new Profile(workspaceId, profileId) : forWrite(doc));
  }

  /**
   * Writes the profile if nobody wrote it since it was read; false on a lost race (the caller
   * re-reads and retries).
   */
  public Uni<Boolean> save(Profile profile) {
    profile.revealIfPublished();
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
    } else if (profile.storedDocument == null) {
      write =
          profiles
              .replaceOne(versioned(doc.get("_id"), profile.version), doc)
              .map(r -> r.getMatchedCount() == 1);
    } else {
      write =
          profiles
              .updateOne(
                  versioned(doc.get("_id"), profile.version),
                  DocumentDiff.update(profile.storedDocument, doc))
              .map(r -> r.getMatchedCount() == 1);
    }
    return write.invoke(
        saved -> {
          if (saved) {
            landed(profile, doc);
          }
        });
  }

  /**
   * The write of a profile read at {@code profile.version}: an insert for a new one, else only what
   * changed since it was read ({@link DocumentDiff}), under the version check.
   */
  private static WriteModel<Document> write(Profile profile, Document doc) {
    if (profile.version == 0) {
      return new InsertOneModel<>(doc);
    }
    Document filter = versioned(doc.get("_id"), profile.version);
    return profile.storedDocument == null
        ? new ReplaceOneModel<>(filter, doc)
        : new UpdateOneModel<>(filter, DocumentDiff.update(profile.storedDocument, doc));
  }

  /**
   * The profile for the API: without the write-side state (computed-trait buckets, dedup keys,
   * outbox, retention base), which is most of a busy profile's document. Never written back.
   */
  public Uni<Profile> loadForRead(String workspaceId, String profileId) {
    return profiles
        .find(
            Filters.eq("_id", ProfileDocuments.id(workspaceId, profileId)),
            new FindOptions().projection(READ_PROJECTION))
        .collect()
        .first()
        .map(
            doc -> doc == null ? new Profile(workspaceId, profileId) : documents.fromDocument(doc));
  }

  private static final Document READ_PROJECTION =
      new Document("computedStates", 0)
          .append("recent", 0)
          .append("outbox", 0)
          .append("base", 0)
          .append("baseFolded", 0);

  /** Several profiles of a workspace in one read; absent ones are not in the map. */
  public Uni<Map<String, Profile>> loadAll(String workspaceId, Collection<String> profileIds) {
    return profiles
        .find(
            Filters.in(
                "_id",
                profileIds.stream().map(id -> ProfileDocuments.id(workspaceId, id)).toList()))
        .map(this::forWrite)
        .collect()
        .asMap(Profile::profileId);
  }

  /**
   * Writes several profiles in one round trip, each under its own version check. Returns the ids
   * whose write lost a race (the caller applies their events again, one by one).
   */
  public Uni<Set<String>> saveAll(List<Profile> batch) {
    if (batch.isEmpty()) {
      return Uni.createFrom().item(Set.of());
    }
    List<WriteModel<Document>> writes = new ArrayList<>();
    List<Document> docs = new ArrayList<>();
    for (Profile profile : batch) {
      profile.revealIfPublished();
      Document doc = documents.toDocument(profile, profile.version + 1);
      docs.add(doc);
      writes.add(write(profile, doc));
    }
    return profiles
        .bulkWrite(writes, new BulkWriteOptions().ordered(false))
        .chain(
            result -> {
              if (result.getInsertedCount() + result.getMatchedCount() == writes.size()) {
                // every insert acknowledged, every versioned write matched: no read needed
                for (int i = 0; i < batch.size(); i++) {
                  landed(batch.get(i), docs.get(i));
                }
                return Uni.createFrom().item(Set.<String>of());
              }
              return landed(batch, docs, List.of());
            })
        .onFailure(MongoBulkWriteException.class)
        .recoverWithUni(
            failure -> {
              List<BulkWriteError> errors = ((MongoBulkWriteException) failure).getWriteErrors();
              return errors.stream().allMatch(e -> e.getCategory() == ErrorCategory.DUPLICATE_KEY)
                  ? landed(batch, docs, errors)
                  : Uni.createFrom().failure(failure);
            });
  }

  /**
   * Which writes of a bulk landed: an insert that hit a duplicate key did not; a replace did if the
   * stored version is the one written. Landed profiles take their new version.
   */
  private Uni<Set<String>> landed(
      List<Profile> batch, List<Document> docs, List<BulkWriteError> errors) {
    Set<String> lost = new HashSet<>();
    errors.forEach(e -> lost.add(batch.get(e.getIndex()).profileId));
    List<Object> ids = new ArrayList<>();
    batch.forEach(p -> ids.add(ProfileDocuments.id(p.workspaceId, p.profileId)));
    return profiles
        .find(
            Filters.in("_id", ids),
            new FindOptions().projection(new Document("version", 1).append("recent", 1)))
        .collect()
        .asMap(d -> d.getString("_id"), d -> d)
        .map(
            stored -> {
              for (int i = 0; i < batch.size(); i++) {
                Profile p = batch.get(i);
                if (lost.contains(p.profileId)) {
                  continue;
                }
                Document doc = stored.get(ProfileDocuments.id(p.workspaceId, p.profileId));
                if (doc != null && isOurs(doc, p)) {
                  landed(p, docs.get(i));
                } else {
                  lost.add(p.profileId);
                }
              }
              return lost;
            });
  }

  private void landed(Profile p, Document written) {
    p.version = p.version + 1;
    p.storedDocument = written;
    finished.superseded(p);
  }

  /** The stored document is the one we wrote: our version, and our last event key. */
  private static boolean isOurs(Document stored, Profile written) {
    if (stored.get("version", Number.class).longValue() != written.version + 1) {
      return false;
    }
    String last = null;
    for (String key : written.recentEventKeys) {
      last = key;
    }
    return last == null || stored.getList("recent", String.class, List.of()).contains(last);
  }

  /** Clears outboxes (or only their store part) in one round trip, each under its version. */
  public Uni<Void> clearOutboxes(List<Profile> written, boolean storeWorkOnly) {
    return updateEach(
        written.stream()
            .map(p -> versioned(ProfileDocuments.id(p.workspaceId, p.profileId), p.version))
            .toList(),
        storeWorkOnly
            ? Updates.combine(Updates.unset("outbox.audit"), Updates.unset("outbox.ids"))
            : Updates.unset("outbox"));
  }

  /** Clears finished outboxes in one round trip, each unless someone wrote the profile since. */
  public Uni<Void> clearFinishedOutboxes(List<FinishedOutboxes.Finished> finishedOutboxes) {
    return updateEach(
        finishedOutboxes.stream().map(f -> versioned(f.key(), f.version())).toList(),
        Updates.unset("outbox"));
  }

  /** One round trip applying {@code update} to the document each filter matches. */
  private Uni<Void> updateEach(List<Document> filters, Bson update) {
    if (filters.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    List<WriteModel<Document>> writes = new ArrayList<>();
    filters.forEach(filter -> writes.add(new UpdateOneModel<>(filter, update)));
    return profiles.bulkWrite(writes, new BulkWriteOptions().ordered(false)).replaceWithVoid();
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
