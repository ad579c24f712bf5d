package org.opencdp.profile.audit;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.WriteModel;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.opencdp.profile.config.Collections;

/** Audit trail of trait and consent changes; records have deterministic ids (idempotent). */
@ApplicationScoped
public class AuditStore {
  private final ReactiveMongoCollection<Document> audit;

  AuditStore(Collections collections) {
    this.audit = collections.get(Collections.AUDIT);
  }

  public Uni<Void> record(List<Document> entries) {
    if (entries.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    List<WriteModel<Document>> writes = new ArrayList<>();
    for (Document entry : entries) {
      writes.add(
          new ReplaceOneModel<>(
              Filters.eq("_id", entry.get("_id")), entry, new ReplaceOptions().upsert(true)));
    }
    return audit.bulkWrite(writes).replaceWithVoid();
  }

  /** Newest first, for a profile and the profiles merged into it. */
  public Uni<List<Document>> forProfiles(
      String workspaceId, List<String> profileIds, String field, int skip, int limit) {
    var filter =
        field == null
            ? Filters.and(
                Filters.eq("workspaceId", workspaceId), Filters.in("profileId", profileIds))
            : Filters.and(
                Filters.eq("workspaceId", workspaceId),
                Filters.in("profileId", profileIds),
                Filters.eq("field", field));
    return audit
        .find(
            filter,
            new FindOptions()
                .sort(Sorts.descending("recordedAt", "eventTime", "_id"))
                .skip(skip)
                .limit(limit))
        .collect()
        .asList();
  }

  public Uni<Long> deleteForProfiles(String workspaceId, List<String> profileIds) {
    return audit
        .deleteMany(
            Filters.and(
                Filters.eq("workspaceId", workspaceId), Filters.in("profileId", profileIds)))
        .map(r -> r.getDeletedCount());
  }

  public Uni<Long> countForProfiles(String workspaceId, List<String> profileIds) {
    return audit.countDocuments(
        Filters.and(Filters.eq("workspaceId", workspaceId), Filters.in("profileId", profileIds)));
  }
}
