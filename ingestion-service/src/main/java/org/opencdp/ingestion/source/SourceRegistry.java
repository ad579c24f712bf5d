package org.opencdp.ingestion.source;

import io.quarkus.cache.CacheInvalidateAll;
import io.quarkus.cache.CacheResult;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.opencdp.ingestion.config.GatewayConfig;
import org.opencdp.ingestion.plan.TrackingPlans;

/**
 * Resolves write keys to sources for the hot path. Results (with the compiled tracking plan) are
 * cached briefly so a request costs no database round trip; changes made through the API invalidate
 * the cache of this instance, other instances see them within the cache's expiry.
 */
@ApplicationScoped
public class SourceRegistry {
  static final String CACHE = "write-keys";

  private final SourceRepositories.WriteKeys writeKeys;
  private final SourceRepositories.Sources sources;
  private final TrackingPlans plans;
  private final GatewayConfig config;

  SourceRegistry(
      SourceRepositories.WriteKeys writeKeys,
      SourceRepositories.Sources sources,
      TrackingPlans plans,
      GatewayConfig config) {
    this.writeKeys = writeKeys;
    this.sources = sources;
    this.plans = plans;
    this.config = config;
  }

  /** The source of a plain write key, if the key exists. */
  public Uni<Optional<SourceContext>> byWriteKey(String writeKey) {
    return byKeyHash(Secrets.sha256(writeKey));
  }

  /**
   * Cached outside the session: on a hit (every tracking call but the first per key and minute) no
   * database session is opened at all.
   */
  @CacheResult(cacheName = CACHE)
  Uni<Optional<SourceContext>> byKeyHash(String keyHash) {
    return loadByKeyHash(keyHash);
  }

  @WithSession
  Uni<Optional<SourceContext>> loadByKeyHash(String keyHash) {
    return writeKeys
        .findById(keyHash)
        .onItem()
        .ifNotNull()
        .transformToUni(key -> sources.find(key.workspaceId, key.sourceId))
        .map(source -> Optional.ofNullable(source).map(this::context));
  }

  /** A source by id, uncached (bulk imports look it up once per run). */
  @WithSession
  public Uni<Optional<SourceContext>> bySource(String workspaceId, String sourceId) {
    return sources
        .find(workspaceId, sourceId)
        .map(source -> Optional.ofNullable(source).map(this::context));
  }

  @CacheInvalidateAll(cacheName = CACHE)
  public Uni<Void> invalidate() {
    return Uni.createFrom().voidItem();
  }

  private SourceContext context(Source source) {
    int limit =
        source.rateLimitPerSecond != null
            ? source.rateLimitPerSecond
            : config.defaultRateLimitPerSecond();
    return new SourceContext(
        source.workspaceId, source.id, limit, plans.compile(source.planMode, source.trackingPlan));
  }
}
