package org.opencdp.segment.membership;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Membership in Redis, a cache of the {@code profile_state.segments} column: a set per segment
 * ({@code seg:{ws}:s:<segment>}) and the segments of each profile ({@code seg:{ws}:p:<profile>}).
 * The workspace is a hash tag so that one workspace's keys share a cluster slot.
 */
@ApplicationScoped
public class MembershipCache {
  private final ReactiveRedisDataSource redis;

  public MembershipCache(ReactiveRedisDataSource redis) {
    this.redis = redis;
  }

  public static String segmentKey(String workspaceId, String segmentId) {
    return "seg:{" + workspaceId + "}:s:" + segmentId;
  }

  public static String profileKey(String workspaceId, String profileId) {
    return "seg:{" + workspaceId + "}:p:" + profileId;
  }

  /** One page of members: SSCAN from {@code cursor} ("0" to start; "0" back means done). */
  public record Page(String cursor, List<String> members) {}

  public Uni<Boolean> isMember(String workspaceId, String segmentId, String profileId) {
    return redis.set(String.class).sismember(segmentKey(workspaceId, segmentId), profileId);
  }

  public Uni<Long> count(String workspaceId, String segmentId) {
    return redis.set(String.class).scard(segmentKey(workspaceId, segmentId));
  }

  public Uni<Set<String>> segmentsOf(String workspaceId, String profileId) {
    return redis.set(String.class).smembers(profileKey(workspaceId, profileId));
  }

  public Uni<Page> members(String workspaceId, String segmentId, String cursor, int count) {
    return redis
        .getRedis()
        .send(
            Request.cmd(Command.SSCAN)
                .arg(segmentKey(workspaceId, segmentId))
                .arg(cursor)
                .arg("COUNT")
                .arg(count))
        .map(
            response -> {
              List<String> members = new ArrayList<>();
              for (Response r : response.get(1)) {
                members.add(r.toString());
              }
              return new Page(response.get(0).toString(), members);
            });
  }

  /** The membership of one profile as it should be, for profiles whose segments are known. */
  public record Desired(String workspaceId, String profileId, Set<String> segments) {}

  /**
   * Makes Redis agree with the source of truth for each profile: reads the cached segments of the
   * profiles (one pipeline) and adds/removes only the differences (a second pipeline). Idempotent.
   */
  public Uni<Void> sync(Collection<Desired> profiles) {
    return sync(profiles, false);
  }

  /**
   * Like {@link #sync(Collection)}; with {@code rewrite} every desired membership is written again
   * even where the profile's own set already names it. The profile's set is what the difference is
   * taken against, so a segment set that lost a member while the profile's set kept it (a flush
   * racing a pipeline, a pipeline cut half-way) is only repaired this way: the rebuild job uses it.
   */
  public Uni<Void> sync(Collection<Desired> profiles, boolean rewrite) {
    return sync(profiles, rewrite, List.of());
  }

  /**
   * Like {@link #sync(Collection, boolean)}, with {@code also} (timer writes) sent after the
   * membership writes in the same pipeline.
   */
  public Uni<Void> sync(Collection<Desired> profiles, boolean rewrite, List<Request> also) {
    if (profiles.isEmpty()) {
      return apply(also);
    }
    List<Desired> list = List.copyOf(profiles);
    List<Request> reads = new ArrayList<>(list.size());
    for (Desired d : list) {
      reads.add(Request.cmd(Command.SMEMBERS).arg(profileKey(d.workspaceId(), d.profileId())));
    }
    return Multi.createFrom()
        .iterable(partition(reads))
        .onItem()
        .transformToUniAndConcatenate(part -> redis.getRedis().batch(part))
        .collect()
        .in(ArrayList<Response>::new, ArrayList::addAll)
        .chain(
            responses -> {
              List<Request> writes = new ArrayList<>();
              for (int i = 0; i < list.size(); i++) {
                Desired d = list.get(i);
                Set<String> actual = new HashSet<>();
                for (Response r : responses.get(i)) {
                  actual.add(r.toString());
                }
                writes(d, actual, rewrite, writes);
              }
              writes.addAll(also);
              return apply(writes);
            });
  }

  private static List<List<Request>> partition(List<Request> requests) {
    List<List<Request>> parts = new ArrayList<>();
    for (int from = 0; from < requests.size(); from += PIPELINE) {
      parts.add(requests.subList(from, Math.min(requests.size(), from + PIPELINE)));
    }
    return parts;
  }

  private static void writes(Desired d, Set<String> actual, boolean rewrite, List<Request> writes) {
    String profileKey = profileKey(d.workspaceId(), d.profileId());
    for (String segment : d.segments()) {
      if (rewrite || !actual.contains(segment)) {
        writes.add(
            Request.cmd(Command.SADD).arg(segmentKey(d.workspaceId(), segment)).arg(d.profileId()));
        writes.add(Request.cmd(Command.SADD).arg(profileKey).arg(segment));
      }
    }
    for (String segment : actual) {
      if (!d.segments().contains(segment)) {
        writes.add(
            Request.cmd(Command.SREM).arg(segmentKey(d.workspaceId(), segment)).arg(d.profileId()));
        writes.add(Request.cmd(Command.SREM).arg(profileKey).arg(segment));
      }
    }
  }

  private Uni<Void> apply(List<Request> writes) {
    return batched(redis, writes);
  }

  /** Sends {@code requests} as pipelines of at most {@value #PIPELINE} commands, in order. */
  public static Uni<Void> batched(ReactiveRedisDataSource redis, List<Request> requests) {
    Uni<Void> chain = Uni.createFrom().voidItem();
    for (int from = 0; from < requests.size(); from += PIPELINE) {
      List<Request> part = requests.subList(from, Math.min(requests.size(), from + PIPELINE));
      chain = chain.chain(() -> redis.getRedis().batch(part).replaceWithVoid());
    }
    return chain;
  }

  static final int PIPELINE = 1000;

  /**
   * Removes a profile from Redis entirely (privacy delete): from the set of every segment in {@code
   * segmentIds} and every segment its own set still names, then its own set. Idempotent.
   */
  public Uni<Void> forget(String workspaceId, String profileId, Collection<String> segmentIds) {
    String profileKey = profileKey(workspaceId, profileId);
    return segmentsOf(workspaceId, profileId)
        .chain(
            cached -> {
              Set<String> segments = new java.util.TreeSet<>(segmentIds);
              segments.addAll(cached);
              List<Request> writes = new ArrayList<>(segments.size() + 1);
              for (String segment : segments) {
                writes.add(
                    Request.cmd(Command.SREM).arg(segmentKey(workspaceId, segment)).arg(profileId));
              }
              writes.add(Request.cmd(Command.DEL).arg(profileKey));
              return apply(writes);
            });
  }

  /** Deletes every membership key of a workspace (the first step of a rebuild). */
  public Uni<Long> clear(String workspaceId) {
    return redis
        .key(String.class)
        .scan(
            new io.quarkus.redis.datasource.keys.KeyScanArgs()
                .match("seg:{" + workspaceId + "}:*")
                .count(1000))
        .toMulti()
        .group()
        .intoLists()
        .of(500)
        .onItem()
        .transformToUniAndConcatenate(
            keys -> redis.key(String.class).del(keys.toArray(String[]::new)).map(Long::valueOf))
        .collect()
        .with(java.util.stream.Collectors.summingLong(Long::longValue));
  }
}
