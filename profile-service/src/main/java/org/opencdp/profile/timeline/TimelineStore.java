package org.opencdp.profile.timeline;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.opencdp.profile.config.Collections;
import org.opencdp.security.problem.ProblemException;

/**
 * Every resolved event, keyed by its event key (which also makes it the consumer's dedup record):
 * the original payload as a JSON string (protected trait paths encrypted), the profile it belongs
 * to now, the keyed hashes of its identifiers (provenance for unmerge), and whether it was applied.
 */
@ApplicationScoped
public class TimelineStore {
  public enum State {
    NEW,
    PENDING,
    APPLIED
  }

  /**
   * The applied mark, the same for every entry: built once as BSON (never mutated). Through {@code
   * Updates.set} and {@code Filters.eq} every statement built its filter and update anew with a
   * BSON writer and codec lookups, one of the larger allocations per event (README benchmark).
   */
  private static final BsonDocument MARK_APPLIED =
      new BsonDocument("$set", new BsonDocument("applied", BsonBoolean.TRUE));

  private final ReactiveMongoCollection<Document> timeline;

  TimelineStore(Collections collections) {
    this.timeline = collections.get(Collections.TIMELINE);
  }

  /** Records the event once; tells whether it is new, recorded but not applied, or applied. */
  public Uni<State> record(
      String eventKey,
      String workspaceId,
      String profileId,
      String type,
      String name,
      Instant eventTime,
      List<String> identifierHashes,
      String payload,
      Instant expiresAt) {
    Document doc =
        new Document("_id", eventKey)
            .append("workspaceId", workspaceId)
            .append("profileId", profileId)
            .append("originalProfileId", profileId)
            .append("type", type)
            .append("name", name)
            .append("ts", Date.from(eventTime))
            .append("idh", identifierHashes)
            .append("payload", payload)
            .append("applied", false)
            .append("expiresAt", Date.from(expiresAt));
    return timeline
        .insertOne(doc)
        .map(r -> State.NEW)
        .onFailure(TimelineStore::isDuplicateKey)
        .recoverWithUni(
            () ->
                timeline
                    .find(Filters.eq("_id", eventKey))
                    .collect()
                    .first()
                    .map(
                        existing ->
                            existing != null && Boolean.TRUE.equals(existing.getBoolean("applied"))
                                ? State.APPLIED
                                : State.PENDING));
  }

  /** A new, not yet applied timeline entry (see {@link #record}). */
  public static Document entry(
      String eventKey,
      String workspaceId,
      String profileId,
      String type,
      String name,
      Instant eventTime,
      List<String> identifierHashes,
      String payload,
      Instant expiresAt) {
    return new Document("_id", eventKey)
        .append("workspaceId", workspaceId)
        .append("profileId", profileId)
        .append("originalProfileId", profileId)
        .append("type", type)
        .append("name", name)
        .append("ts", Date.from(eventTime))
        .append("idh", identifierHashes)
        .append("payload", payload)
        .append("applied", false)
        .append("expiresAt", Date.from(expiresAt));
  }

  /**
   * Records many entries in one round trip; returns the keys that were recorded and applied before
   * (redeliveries). Entries recorded but not applied (a crash in between) count as new: the
   * profile's own dedup keys decide.
   */
  public Uni<Set<String>> recordAll(List<Document> entries) {
    if (entries.isEmpty()) {
      return Uni.createFrom().item(Set.of());
    }
    return timeline
        .insertMany(entries, new InsertManyOptions().ordered(false))
        .map(r -> Set.<String>of())
        .onFailure(MongoBulkWriteException.class)
        .recoverWithUni(
            failure -> {
              List<Object> existing = new ArrayList<>();
              for (BulkWriteError error : ((MongoBulkWriteException) failure).getWriteErrors()) {
                if (error.getCategory() != ErrorCategory.DUPLICATE_KEY) {
                  return Uni.createFrom().failure(failure);
                }
                existing.add(entries.get(error.getIndex()).get("_id"));
              }
              return timeline
                  .find(
                      Filters.and(Filters.in("_id", existing), Filters.eq("applied", true)),
                      new FindOptions().projection(new Document("_id", 1)))
                  .map(d -> d.getString("_id"))
                  .collect()
                  .asSet();
            });
  }

  /**
   * Marks entries applied in one round trip, one statement per entry by {@code _id}. For entries
   * applied to the profile they were recorded under (the batch path): their {@code profileId} is
   * left as it is, so an entry a merge moved to the survivor meanwhile stays there. Not one {@code
   * updateMany} with {@code $in}: mongo-java-server matches every candidate against the whole
   * {@code $in} list, quadratic in the batch size (MongoDB serves either from the {@code _id}
   * index).
   */
  public Uni<Void> markAppliedAll(List<String> eventKeys) {
    List<WriteModel<Document>> writes = new ArrayList<>(eventKeys.size());
    for (String key : eventKeys) {
      writes.add(new UpdateOneModel<>(new BsonDocument("_id", new BsonString(key)), MARK_APPLIED));
    }
    return writes.isEmpty()
        ? Uni.createFrom().voidItem()
        : timeline.bulkWrite(writes, new BulkWriteOptions().ordered(false)).replaceWithVoid();
  }

  public Uni<Void> markApplied(String eventKey, String profileId) {
    return timeline
        .updateOne(
            Filters.eq("_id", eventKey),
            Updates.combine(Updates.set("applied", true), Updates.set("profileId", profileId)))
        .replaceWithVoid();
  }

  /**
   * Entries whose retention ran out by {@code now} (the retention job folds, then deletes them).
   */
  public Uni<List<Document>> expired(Instant now, int limit) {
    return timeline
        .find(Filters.lte("expiresAt", Date.from(now)), new FindOptions().limit(limit))
        .collect()
        .asList();
  }

  public Uni<Void> deleteAll(List<String> eventKeys) {
    return timeline.deleteMany(Filters.in("_id", eventKeys)).replaceWithVoid();
  }

  public Uni<Void> delete(String eventKey) {
    return timeline.deleteOne(Filters.eq("_id", eventKey)).replaceWithVoid();
  }

  public Uni<Void> moveAll(String workspaceId, String fromProfileId, String toProfileId) {
    return timeline
        .updateMany(
            Filters.and(
                Filters.eq("workspaceId", workspaceId), Filters.eq("profileId", fromProfileId)),
            Updates.set("profileId", toProfileId))
        .replaceWithVoid();
  }

  /** Moves the events that carry any of {@code hashes} (identifier provenance). */
  public Uni<Void> moveByIdentifiers(
      String workspaceId, String fromProfileId, List<String> hashes, String toProfileId) {
    return timeline
        .updateMany(
            Filters.and(
                Filters.eq("workspaceId", workspaceId),
                Filters.eq("profileId", fromProfileId),
                Filters.in("idh", hashes)),
            Updates.set("profileId", toProfileId))
        .replaceWithVoid();
  }

  /** All applied events of a profile, oldest first (for rebuilds and exports). */
  public Uni<List<Document>> all(String workspaceId, String profileId, int limit) {
    return timeline
        .find(
            Filters.and(
                Filters.eq("workspaceId", workspaceId),
                Filters.eq("profileId", profileId),
                Filters.eq("applied", true)),
            new FindOptions().sort(Sorts.ascending("ts", "_id")).limit(limit))
        .collect()
        .asList();
  }

  /** One page, newest first; the last element's cursor continues. */
  public Uni<List<Document>> page(String workspaceId, String profileId, TimelineQuery query) {
    List<Bson> filters = new ArrayList<>();
    filters.add(Filters.eq("workspaceId", workspaceId));
    filters.add(Filters.eq("profileId", profileId));
    if (query.type() != null) {
      filters.add(Filters.eq("type", query.type()));
    }
    if (query.name() != null) {
      filters.add(Filters.eq("name", query.name()));
    }
    if (query.from() != null) {
      filters.add(Filters.gte("ts", Date.from(query.from())));
    }
    if (query.to() != null) {
      filters.add(Filters.lt("ts", Date.from(query.to())));
    }
    if (query.cursor() != null) {
      Cursor c = Cursor.decode(query.cursor());
      filters.add(
          Filters.or(
              Filters.lt("ts", c.ts()),
              Filters.and(Filters.eq("ts", c.ts()), Filters.lt("_id", c.id()))));
    }
    return timeline
        .find(
            Filters.and(filters),
            new FindOptions().sort(Sorts.descending("ts", "_id")).limit(query.limit()))
        .collect()
        .asList();
  }

  /** Every recorded event of a profile, applied or not yet, oldest first (for rebuilds). */
  public Uni<List<Document>> allRecorded(String workspaceId, String profileId, int limit) {
    return timeline
        .find(
            Filters.and(Filters.eq("workspaceId", workspaceId), Filters.eq("profileId", profileId)),
            new FindOptions().sort(Sorts.ascending("ts", "_id")).limit(limit))
        .collect()
        .asList();
  }

  public Uni<Long> deleteForProfiles(String workspaceId, List<String> profileIds) {
    return timeline
        .deleteMany(
            Filters.and(
                Filters.eq("workspaceId", workspaceId),
                Filters.or(
                    Filters.in("profileId", profileIds),
                    Filters.in("originalProfileId", profileIds))))
        .map(r -> r.getDeletedCount());
  }

  public Uni<Long> countForProfiles(String workspaceId, List<String> profileIds) {
    return timeline.countDocuments(
        Filters.and(
            Filters.eq("workspaceId", workspaceId),
            Filters.or(
                Filters.in("profileId", profileIds), Filters.in("originalProfileId", profileIds))));
  }

  public Uni<Void> replacePayload(String eventKey, String payload) {
    return timeline
        .updateOne(
            Filters.eq("_id", eventKey),
            Updates.combine(Updates.set("payload", payload), Updates.set("idh", List.of())))
        .replaceWithVoid();
  }

  public static String cursorOf(Document doc) {
    return Cursor.encode(doc.getDate("ts"), doc.getString("_id"));
  }

  static boolean isDuplicateKey(Throwable failure) {
    return failure instanceof MongoWriteException e
        && e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY;
  }

  record Cursor(Date ts, String id) {
    static String encode(Date ts, String id) {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString((ts.getTime() + "|" + id).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String value) {
      try {
        String raw = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
        int bar = raw.indexOf('|');
        return new Cursor(new Date(Long.parseLong(raw.substring(0, bar))), raw.substring(bar + 1));
      } catch (RuntimeException e) {
        throw ProblemException.badRequest("The cursor is not one this API returned.");
      }
    }
  }
}
