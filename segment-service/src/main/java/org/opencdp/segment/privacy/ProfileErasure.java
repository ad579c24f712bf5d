package org.opencdp.segment.privacy;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.opencdp.segment.definition.CompiledSegment;
import org.opencdp.segment.definition.SegmentCatalog;
import org.opencdp.segment.membership.MembershipCache;
import org.opencdp.segment.membership.MembershipChangeRepository;
import org.opencdp.segment.membership.Timers;
import org.opencdp.segment.profile.ProfileState;
import org.opencdp.segment.profile.ProfileStateCodec;
import org.opencdp.segment.profile.ProfileStateEntity;
import org.opencdp.segment.profile.ProfileStateRepository;

/**
 * Privacy DELETE: erases a profile, and the profiles merged into it, from this service.
 *
 * <p>In one PostgreSQL transaction each profile's row is locked and reduced to a tombstone (ids
 * only, {@link #ERASED_VERSION}, no snapshot, events or segments) and its enter/exit history is
 * deleted, unpublished outbox rows included. After the commit it leaves every segment set and loses
 * its own set in Redis, and its timers are cancelled. Everything is idempotent: a replayed request
 * finds the tombstone and erases nothing more.
 *
 * <p><b>No "exited" messages.</b> An exit published because of an erasure would reach the
 * activation-service as a real exit and could start a "segment exited" campaign aimed at the person
 * who asked to be forgotten, and would put their id back into the profile-service's and the
 * activation-service's data after those erased it. Downstream consistency does not need it: each
 * holder of memberships (profile-service, activation-service) erases its own copy on the same
 * privacy request. So the profile leaves silently, and {@code segment_members} sizes (SCARD)
 * follow.
 *
 * <p>The tombstone keeps the workspace and the (random) profile id so that messages still in flight
 * for it (an older {@code ProfileChanged}, a late event) cannot bring it back: its version is
 * higher than any snapshot's and events for erased profiles are ignored.
 */
@ApplicationScoped
public class ProfileErasure {
  /** Version of an erased profile: no later snapshot applies to it. */
  public static final long ERASED_VERSION = Long.MAX_VALUE;

  /** Merge chains are short; the bound only stops a corrupt cycle. */
  private static final int MAX_MERGE_DEPTH = 16;

  private final ProfileStateRepository profiles;
  private final ProfileStateCodec codec;
  private final MembershipChangeRepository history;
  private final SegmentCatalog catalog;
  private final MembershipCache cache;
  private final Timers timers;
  private final Clock clock;

  ProfileErasure(
      ProfileStateRepository profiles,
      ProfileStateCodec codec,
      MembershipChangeRepository history,
      SegmentCatalog catalog,
      MembershipCache cache,
      Timers timers,
      Clock clock) {
    this.profiles = profiles;
    this.codec = codec;
    this.history = history;
    this.catalog = catalog;
    this.cache = cache;
    this.timers = timers;
    this.clock = clock;
  }

  /** What was erased: the profile ids and every segment they may still appear under in Redis. */
  private record Erased(String workspaceId, List<String> profileIds, Set<String> segmentIds) {}

  public Uni<Void> erase(String workspaceId, String profileId) {
    return Panache.<Erased>withTransaction(
            () ->
                catalog
                    .of(workspaceId)
                    .chain(
                        segments ->
                            family(workspaceId, List.of(profileId), new LinkedHashSet<>(), 0)
                                .chain(
                                    ids -> {
                                      Set<String> segmentIds = new TreeSet<>();
                                      segments.all().stream()
                                          .map(CompiledSegment::id)
                                          .forEach(segmentIds::add);
                                      return tombstones(workspaceId, ids, segmentIds)
                                          .chain(() -> history.deleteForProfiles(workspaceId, ids))
                                          .chain(() -> profiles.flush())
                                          .replaceWith(new Erased(workspaceId, ids, segmentIds));
                                    })))
        .chain(this::clearRedis);
  }

  /** {@code frontier} and, transitively, the profiles merged into them. */
  private Uni<List<String>> family(
      String workspaceId, List<String> frontier, LinkedHashSet<String> found, int depth) {
    frontier.forEach(found::add);
    if (depth >= MAX_MERGE_DEPTH) {
      return Uni.createFrom().item(List.copyOf(found));
    }
    return profiles
        .mergedInto(workspaceId, frontier)
        .chain(
            merged -> {
              List<String> next = merged.stream().filter(id -> !found.contains(id)).toList();
              return next.isEmpty()
                  ? Uni.createFrom().item(List.copyOf(found))
                  : family(workspaceId, next, found, depth + 1);
            });
  }

  /** Locks each row (creating it if unknown, so that late messages find a tombstone) and erases. */
  private Uni<Void> tombstones(String workspaceId, List<String> ids, Set<String> segmentIds) {
    Uni<Void> chain = Uni.createFrom().voidItem();
    for (String id : new TreeSet<>(ids)) { // key order, like every multi-row lock here
      chain =
          chain.chain(
              () ->
                  profiles
                      .lock(workspaceId, id)
                      .chain(
                          row -> {
                            boolean isNew = row == null;
                            ProfileStateEntity target = isNew ? codec.newRow(workspaceId, id) : row;
                            ProfileState state =
                                isNew ? new ProfileState(workspaceId, id) : codec.decode(target);
                            segmentIds.addAll(state.segments);
                            state.erase();
                            state.segments.clear();
                            state.version = ERASED_VERSION;
                            codec.encodeData(state, target);
                            target.updatedAt = clock.instant();
                            return isNew
                                ? profiles.persist(target).replaceWithVoid()
                                : Uni.createFrom().voidItem();
                          }));
    }
    return chain;
  }

  private Uni<Void> clearRedis(Erased erased) {
    List<Request> cancel = new ArrayList<>();
    Uni<Void> chain = Uni.createFrom().voidItem();
    String workspace = erased.workspaceId();
    for (String profileId : erased.profileIds()) {
      chain = chain.chain(() -> cache.forget(workspace, profileId, erased.segmentIds()));
      for (String segmentId : erased.segmentIds()) {
        Timers.plan(cancel, new Timers.Timer(workspace, segmentId, profileId), null);
      }
    }
    return chain.chain(() -> timers.apply(cancel));
  }
}
