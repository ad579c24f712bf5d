package org.opencdp.profile.computed;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.bson.Document;
import org.opencdp.profile.config.Collections;
import org.opencdp.profile.config.ProfileConfig;

/**
 * Computed-trait definitions per workspace, cached for a short time (changes made through this
 * instance are visible at once; other instances see them within the cache TTL).
 */
@ApplicationScoped
public class ComputedTraitStore {
  private final ReactiveMongoCollection<Document> definitions;
  private final Clock clock;
  private final long ttlMillis;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(List<ComputedTraitDefinition> definitions, Instant loadedAt) {}

  ComputedTraitStore(Collections collections, Clock clock, ProfileConfig config) {
    this.definitions = collections.get(Collections.COMPUTED_TRAITS);
    this.clock = clock;
    this.ttlMillis = config.computed().definitionCacheTtl().toMillis();
  }

  public Uni<List<ComputedTraitDefinition>> forWorkspace(String workspaceId) {
    Cached cached = cache.get(workspaceId);
    Instant now = Instant.now();
    if (cached != null && cached.loadedAt().plusMillis(ttlMillis).isAfter(now)) {
      return Uni.createFrom().item(cached.definitions());
    }
    return definitions
        .find(
            Filters.eq("workspaceId", workspaceId), new FindOptions().sort(Sorts.ascending("name")))
        .map(ComputedTraitStore::fromDocument)
        .collect()
        .asList()
        .invoke(list -> cache.put(workspaceId, new Cached(List.copyOf(list), now)));
  }

  public Uni<Void> save(ComputedTraitDefinition definition) {
    Document doc =
        new Document("_id", definition.workspaceId() + ":" + definition.name())
            .append("workspaceId", definition.workspaceId())
            .append("name", definition.name())
            .append("aggregation", definition.aggregation().name())
            .append("event", definition.event())
            .append("property", definition.property())
            .append("windowDays", definition.windowDays())
            .append("updatedAt", java.util.Date.from(clock.instant()));
    return definitions
        .replaceOne(Filters.eq("_id", doc.get("_id")), doc, new ReplaceOptions().upsert(true))
        .invoke(() -> cache.remove(definition.workspaceId()))
        .replaceWithVoid();
  }

  public Uni<Boolean> delete(String workspaceId, String name) {
    return definitions
        .deleteOne(
            Filters.and(
                Filters.eq("_id", workspaceId + ":" + name),
                Filters.eq("workspaceId", workspaceId)))
        .invoke(() -> cache.remove(workspaceId))
        .map(r -> r.getDeletedCount() > 0);
  }

  static ComputedTraitDefinition fromDocument(Document doc) {
    return new ComputedTraitDefinition(
        doc.getString("workspaceId"),
        doc.getString("name"),
        Aggregation.valueOf(doc.getString("aggregation")),
        doc.getString("event"),
        doc.getString("property"),
        doc.getInteger("windowDays"));
  }
}
