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
  /** Counts the events only when they fit, so a refused batch does not eat the budget of others. */
  private static final String ACQUIRE_SCRIPT =
      "local used = tonumber(redis.call('GET', KEYS[1]) or '0') "
          + "if used + tonumber(ARGV[1]) > tonumber(ARGV[2]) then return 0 end "
          + "redis.call('INCRBY', KEYS[1], ARGV[1]) redis.call('EXPIRE', KEYS[1], 2) return 1";

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
        .execute(
            "EVAL",
            ACQUIRE_SCRIPT,
            "1",
            key,
            Integer.toString(events),
            Integer.toString(limitPerSecond))
        .map(granted -> granted.toInteger() == 1);
  }
}
