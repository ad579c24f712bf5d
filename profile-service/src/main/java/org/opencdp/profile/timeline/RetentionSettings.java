package org.opencdp.profile.timeline;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.ConcurrentHashMap;
import org.bson.Document;
import org.opencdp.profile.config.Collections;
import org.opencdp.profile.config.ProfileConfig;

/**
 * Timeline retention per workspace: the workspace's own setting, else the configured default.
 * Cached for a short time (changes made through this instance are visible at once). A change
 * applies to events recorded afterwards: each timeline entry gets its expiry when it is written.
 */
@ApplicationScoped
public class RetentionSettings {
  /** The retention in force for a workspace, and whether the workspace set it. */
  public record Retention(long days, boolean workspaceSetting) {
    public Duration duration() {
      return Duration.ofDays(days);
    }
  }

  private record Cached(Retention retention, Instant loadedAt) {}

  private final ReactiveMongoCollection<Document> settings;
  private final Clock clock;
  private final long defaultDays;
  private final long ttlMillis;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

  RetentionSettings(Collections collections, Clock clock, ProfileConfig config) {
    this.settings = collections.get(Collections.WORKSPACE_SETTINGS);
    this.clock = clock;
    this.defaultDays = Math.max(1, config.timeline().defaultRetention().toDays());
    this.ttlMillis = config.timeline().settingsCacheTtl().toMillis();
  }

  public Uni<Retention> forWorkspace(String workspaceId) {
    Cached cached = cache.get(workspaceId);
    Instant now = Instant.now();
    if (cached != null && cached.loadedAt().plusMillis(ttlMillis).isAfter(now)) {
      return Uni.createFrom().item(cached.retention());
    }
    return settings
        .find(Filters.eq("_id", workspaceId))
        .collect()
        .first()
        .map(
            doc -> {
              Number days = doc == null ? null : doc.get("retentionDays", Number.class);
              return days == null
                  ? new Retention(defaultDays, false)
                  : new Retention(days.longValue(), true);
            })
        .invoke(r -> cache.put(workspaceId, new Cached(r, now)));
  }

  public Uni<Void> set(String workspaceId, long days) {
    Document doc =
        new Document("_id", workspaceId)
            .append("workspaceId", workspaceId)
            .append("retentionDays", days)
            .append("updatedAt", Date.from(clock.instant()));
    return settings
        .replaceOne(Filters.eq("_id", workspaceId), doc, new ReplaceOptions().upsert(true))
        .invoke(() -> cache.remove(workspaceId))
        .replaceWithVoid();
  }

  public Uni<Void> reset(String workspaceId) {
    return settings
        .deleteOne(Filters.eq("_id", workspaceId))
        .invoke(() -> cache.remove(workspaceId))
        .replaceWithVoid();
  }
}
