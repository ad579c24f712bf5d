package org.opencdp.profile.profile;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.opencdp.contracts.KeyedIdentifierHash;
import org.opencdp.profile.config.Collections;
import org.opencdp.profile.config.ProfileConfig;

/**
 * Remembers, for a while, that a profile id was erased, so that events of that person still in
 * flight (or arriving late from an SDK's offline queue) cannot recreate the profile with personal
 * data.
 *
 * <p>Why this shape: the erased profile id must be recognisable, but keeping it in clear would be a
 * trace of the person. A tombstone therefore holds only the keyed hash (HMAC, the identifier key)
 * of {@code (workspace, profile id)}, the workspace and an expiry: nothing that can be reversed
 * without the key, and nothing at all once it expires. It expires because the window it guards is
 * bounded: the identity-service and the gateway erase the person's identifiers, so after the
 * in-flight and offline-queue horizon (default 30 days) no new event can carry that profile id. A
 * TTL index removes it on MongoDB; {@link #isErased} also checks the expiry (the MongoDB-wire test
 * double runs no TTL monitor) and the retention job deletes expired ones. Checking a tombstone
 * costs one primary-key read per event, or one {@code $in} read per poll batch.
 */
@ApplicationScoped
public class ErasureTombstones {
  private static final String KIND = "erased-profile";

  private final ReactiveMongoCollection<Document> tombstones;
  private final KeyedIdentifierHash hasher;
  private final Clock clock;
  private final Duration keep;

  ErasureTombstones(
      Collections collections, KeyedIdentifierHash hasher, Clock clock, ProfileConfig config) {
    this.tombstones = collections.get(Collections.TOMBSTONES);
    this.hasher = hasher;
    this.clock = clock;
    this.keep = config.privacy().tombstoneTtl();
  }

  /** Records the erasure of {@code profileIds}; written before anything is deleted. */
  public Uni<Void> bury(String workspaceId, List<String> profileIds) {
    Date expiresAt = Date.from(clock.instant().plus(keep));
    List<WriteModel<Document>> writes = new ArrayList<>();
    for (String profileId : profileIds) {
      String id = key(workspaceId, profileId);
      writes.add(
          new ReplaceOneModel<>(
              Filters.eq("_id", id),
              new Document("_id", id)
                  .append("workspaceId", workspaceId)
                  .append("expiresAt", expiresAt),
              new ReplaceOptions().upsert(true)));
    }
    return writes.isEmpty()
        ? Uni.createFrom().voidItem()
        : tombstones.bulkWrite(writes).replaceWithVoid();
  }

  public Uni<Boolean> isErased(String workspaceId, String profileId) {
    return erased(workspaceId, List.of(profileId)).map(found -> !found.isEmpty());
  }

  /** The ids among {@code profileIds} that were erased (one read). */
  public Uni<Set<String>> erased(String workspaceId, Collection<String> profileIds) {
    Map<String, String> byKey = new HashMap<>();
    profileIds.forEach(id -> byKey.put(key(workspaceId, id), id));
    Instant now = clock.instant();
    return tombstones
        .find(Filters.in("_id", byKey.keySet())) // primary keys; the workspace is in the hash
        .collect()
        .asList()
        .map(
            docs -> {
              Set<String> found = new HashSet<>();
              for (Document doc : docs) {
                Date expiresAt = doc.getDate("expiresAt");
                if (expiresAt == null || expiresAt.toInstant().isAfter(now)) {
                  found.add(byKey.get(doc.getString("_id")));
                }
              }
              return found;
            });
  }

  /** Deletes expired tombstones (MongoDB's TTL monitor does it too). */
  public Uni<Long> purgeExpired() {
    return tombstones
        .deleteMany(Filters.lte("expiresAt", Date.from(clock.instant())))
        .map(r -> r.getDeletedCount());
  }

  private String key(String workspaceId, String profileId) {
    return hasher.hash(workspaceId, KIND, profileId);
  }
}
