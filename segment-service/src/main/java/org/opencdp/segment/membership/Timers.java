package org.opencdp.segment.membership;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.redis.datasource.sortedset.ZRangeArgs;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Durable timers: a Redis sorted set {@code seg:timers} of {@code workspace|segment|profile} scored
 * by the epoch millis at which that segment's answer for that profile may change by the passage of
 * time alone. Redis persistence keeps them across restarts; a rebuild recomputes them.
 */
@ApplicationScoped
public class Timers {
  static final String KEY = "seg:timers";

  private final ReactiveRedisDataSource redis;

  public Timers(ReactiveRedisDataSource redis) {
    this.redis = redis;
  }

  /** A due (or future) re-evaluation. */
  public record Timer(String workspaceId, String segmentId, String profileId) {
    String member() {
      return workspaceId + "|" + segmentId + "|" + profileId;
    }

    static Timer parse(String member) {
      String[] parts = member.split("\\|", 3);
      return new Timer(parts[0], parts[1], parts[2]);
    }
  }

  /** Schedules ({@code at} non-null) or cancels a timer; collected into one pipeline. */
  public static void plan(List<Request> into, Timer timer, Instant at) {
    if (at == null) {
      into.add(Request.cmd(Command.ZREM).arg(KEY).arg(timer.member()));
    } else {
      into.add(Request.cmd(Command.ZADD).arg(KEY).arg(at.toEpochMilli()).arg(timer.member()));
    }
  }

  public Uni<Void> apply(List<Request> requests) {
    return MembershipCache.batched(redis, requests);
  }

  public Uni<List<Timer>> due(Instant now, int limit) {
    return redis
        .sortedSet(String.class)
        .zrangebyscore(
            KEY,
            new ScoreRange<>(Double.NEGATIVE_INFINITY, (double) now.toEpochMilli()),
            new ZRangeArgs().limit(0, limit))
        .map(
            members -> {
              List<Timer> timers = new ArrayList<>(members.size());
              members.forEach(m -> timers.add(Timer.parse(m)));
              return timers;
            });
  }

  /** Epoch millis of the earliest timer, if any. */
  public Uni<Long> earliest() {
    return redis
        .sortedSet(String.class)
        .zrangeWithScores(KEY, 0, 0)
        .map(list -> list.isEmpty() ? null : (long) list.get(0).score());
  }

  public Uni<Double> scoreOf(Timer timer) {
    return redis.sortedSet(String.class).zscore(KEY, timer.member());
  }

  public Uni<Long> size() {
    return redis.sortedSet(String.class).zcard(KEY);
  }
}
