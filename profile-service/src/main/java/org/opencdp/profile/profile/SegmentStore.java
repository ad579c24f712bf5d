package org.opencdp.profile.profile;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.opencdp.contracts.SegmentMembershipChanged;
import org.opencdp.profile.config.Collections;

/**
 * Segment membership history: every change the segment-service reported, keyed by its change id (so
 * a redelivery writes nothing new), under the profile id it was addressed to. A profile's history
 * covers the profiles merged into it.
 */
@ApplicationScoped
public class SegmentStore {
  private final ReactiveMongoCollection<Document> history;

  SegmentStore(Collections collections) {
    this.history = collections.get(Collections.SEGMENT_HISTORY);
  }

  public Uni<Void> record(SegmentMembershipChanged change) {
    String id = change.workspaceId() + ":" + change.changeId();
    Document doc =
        new Document("_id", id)
            .append("workspaceId", change.workspaceId())
            .append("profileId", change.profileId())
            .append("segmentId", change.segmentId())
            .append("segmentName", change.segmentName())
            .append("segmentVersion", change.segmentVersion())
            .append("kind", change.kind().name())
            .append("reason", change.reason())
            .append("occurredAt", Date.from(change.occurredAt()));
    return history
        .replaceOne(Filters.eq("_id", id), doc, new ReplaceOptions().upsert(true))
        .replaceWithVoid();
  }

  /** Newest first. */
  public Uni<List<Document>> forProfiles(String workspaceId, List<String> profileIds, int limit) {
    return history
        .find(
            Filters.and(
                Filters.eq("workspaceId", workspaceId), Filters.in("profileId", profileIds)),
            new FindOptions().sort(Sorts.descending("occurredAt", "_id")).limit(limit))
        .collect()
        .asList();
  }

  public Uni<Long> deleteForProfiles(String workspaceId, List<String> profileIds) {
    return history
        .deleteMany(
            Filters.and(
                Filters.eq("workspaceId", workspaceId), Filters.in("profileId", profileIds)))
        .map(r -> r.getDeletedCount());
  }

  public Uni<Long> countForProfiles(String workspaceId, List<String> profileIds) {
    return history.countDocuments(
        Filters.and(Filters.eq("workspaceId", workspaceId), Filters.in("profileId", profileIds)));
  }
}
