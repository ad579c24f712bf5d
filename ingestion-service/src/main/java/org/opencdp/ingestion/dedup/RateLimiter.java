package org.opencdp.ingestion.dedup;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A per-source limit of events per second, shared by every gateway instance through Redis (a fixed
 * one-second window: simple, and precise enough to protect the pipeline).
 */
@ApplicationScoped
public class RateLimiter {
  private static final String COUNT_SCRIPT =
      "local n = redis.call('INCRBY', KEYS[1], ARGV[1]) "
          + "if n == tonumber(ARGV[1]) then redis.call('EXPIRE', KEYS[1], 2) end return n";

  private final ReactiveRedisDataSource redis;

  RateLimiter(ReactiveRedisDataSource redis) {
    this.redis = redis;
  }

  /** Counts {@code events} against the source's current second; true when within the limit. */
  public Uni<Boolean> tryAcquire(
      String workspaceId, String sourceId, int events, int limitPerSecond) {
    long second = System.currentTimeMillis() / 1000;
    String key = "cdp:rate:" + workspaceId + ":" + sourceId + ":" + second;
    return redis
        .execute("EVAL", COUNT_SCRIPT, "1", key, Integer.toString(events))
        .map(count -> count.toLong() <= limitPerSecond);
  }
}
