package org.opencdp.segment.evaluation;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.segment.condition.Occurrence;
import org.opencdp.segment.config.SegmentConfig;
import org.opencdp.segment.definition.CompiledSegment;
import org.opencdp.segment.definition.SegmentCatalog;
import org.opencdp.segment.definition.WorkspaceSegments;
import org.opencdp.segment.membership.MembershipChangeRepository;
import org.opencdp.segment.profile.ProfileState;
import org.opencdp.segment.profile.ProfileStateCodec;
import org.opencdp.segment.profile.ProfileStateEntity;
import org.opencdp.segment.profile.ProfileStateRepository;

/**
 * Real-time evaluation of identity changes, due timers, privacy anonymization and explicit
 * re-evaluations: each is one transaction that locks the profile rows, applies the input,
 * re-evaluates the segments concerned, writes the new state with the history/outbox rows and Redis
 * (under the lock, {@link Effects}); Kafka follows the commit. Profile changes and events go
 * through {@link InputBatch} (a Kafka poll per transaction).
 */
@ApplicationScoped
public class ProfileEvaluator {
  private final ProfileStateRepository profiles;
  private final ProfileStateCodec codec;
  private final SegmentCatalog catalog;
  private final MembershipChangeRepository history;
  private final Effects effects;
  private final SegmentMetrics metrics;
  private final Clock clock;
  private final SegmentConfig.Events eventConfig;
  private final InputBatch batch;

  public ProfileEvaluator(
      ProfileStateRepository profiles,
      ProfileStateCodec codec,
      SegmentCatalog catalog,
      MembershipChangeRepository history,
      Effects effects,
      SegmentMetrics metrics,
      Clock clock,
      SegmentConfig config,
      InputBatch batch) {
    this.profiles = profiles;
    this.codec = codec;
    this.catalog = catalog;
    this.history = history;
    this.effects = effects;
    this.metrics = metrics;
    this.clock = clock;
    this.eventConfig = config.events();
    this.batch = batch;
  }

  // ---- inputs ------------------------------------------------------------------------------

  /** One profile change, as a batch of one (see {@link InputBatch}). */
  public Uni<Void> onProfileChanged(ProfileChanged message) {
    return batch.apply(List.of(new RealtimeInput.Change(message)));
  }

  /** One resolved event, as a batch of one (see {@link InputBatch}). */
  public Uni<Void> onEvent(EventEnvelope event) {
    return batch.apply(List.of(new RealtimeInput.Event(event)));
  }

  public Uni<Void> onIdentityChange(IdentityChange change) {
    if (change.kind() != IdentityChange.Kind.MERGED) {
      // unmerge/detach: the profile-service republishes both snapshots; re-check the survivor
      return reevaluate(change.workspaceId(), change.survivorProfileId(), "identity changed");
    }
    String survivor = change.survivorProfileId();
    String merged = change.mergedProfileId();
    return run(
        change.workspaceId(),
        List.of(survivor, merged),
        (locked, segments, evaluation) -> {
          ProfileState from = locked.get(merged).state;
          ProfileState into = locked.get(survivor).state;
          // remembered so that a privacy delete of the survivor also reaches this profile
          locked.get(merged).row.mergedInto = survivor;
          boolean moved = false;
          if (!from.deleted || !from.segments.isEmpty() || !from.events().isEmpty()) {
            for (Map.Entry<String, List<Occurrence>> e : from.events().entrySet()) {
              for (Occurrence o : e.getValue()) {
                into.addOccurrence(e.getKey(), o, eventConfig.maxOccurrences(), Long.MIN_VALUE);
              }
            }
            evaluation.exitAll(from, segments, "merged into " + survivor);
            from.erase();
            moved = true;
          }
          if (!into.deleted) { // an erased survivor (privacy delete) enters nothing
            evaluation.evaluate(into, segments.all(), "profiles merged", false);
          }
          evaluation.sync(from);
          evaluation.sync(into);
          return true;
        });
  }

  /**
   * Privacy ANONYMIZE: forgets who the person is here too. The traits (where names, emails and
   * phone numbers live) go; computed traits, consent, event occurrences, memberships and history
   * stay, as in the profile-service, because they no longer identify anyone. The segments that read
   * traits are re-evaluated at once, so membership keeps matching the stored state (a rebuild gives
   * the same answer); their exits are published like any other change: they are what the
   * profile-service's own anonymized snapshot would cause, and the activation-service erases its
   * contact data for the same request. The version is kept, so that snapshot still applies.
   */
  public Uni<Void> onAnonymize(String workspaceId, String profileId) {
    return run(
        workspaceId,
        List.of(profileId),
        (locked, segments, evaluation) -> {
          LockedProfile p = locked.get(profileId);
          ProfileState state = p.state;
          if (p.isNew() || state.deleted || state.traits.isEmpty()) {
            return false;
          }
          Set<String> changed = new HashSet<>();
          state.traits.keySet().forEach(name -> changed.add("traits." + name));
          state.traits = new LinkedHashMap<>();
          evaluation.evaluate(
              state, segments.affectedBy(changed), "privacy request: anonymized", false);
          evaluation.sync(state);
          return true;
        });
  }

  /** Evaluates every segment of the workspace for one profile (identity changes, API). */
  public Uni<Void> reevaluate(String workspaceId, String profileId, String reason) {
    return run(
        workspaceId,
        List.of(profileId),
        (locked, segments, evaluation) -> {
          LockedProfile p = locked.get(profileId);
          if (p.isNew() || p.state.deleted) {
            return false;
          }
          evaluation.evaluate(p.state, segments.all(), reason, false);
          evaluation.sync(p.state);
          return true;
        });
  }

  /** Evaluates due timers of one profile: the listed segments (and their dependents). */
  public Uni<Void> onTimers(String workspaceId, String profileId, Collection<String> segmentIds) {
    return run(
        workspaceId,
        List.of(profileId),
        (locked, segments, evaluation) -> {
          LockedProfile p = locked.get(profileId);
          ProfileState state = p.state;
          List<CompiledSegment> due = segments.withDependents(segmentIds);
          if (!p.isNew() && !state.deleted) {
            evaluation.evaluate(state, due, "time window elapsed", true);
          }
          // timers of segments or profiles that no longer exist
          Set<String> known = new HashSet<>();
          due.forEach(s -> known.add(s.id()));
          for (String id : segmentIds) {
            if (!known.contains(id) || p.isNew() || state.deleted) {
              org.opencdp.segment.membership.Timers.plan(
                  evaluation.timers,
                  new org.opencdp.segment.membership.Timers.Timer(workspaceId, id, profileId),
                  null);
            }
          }
          evaluation.sync(state);
          return !p.isNew();
        });
  }

  // ---- the transaction ---------------------------------------------------------------------

  @FunctionalInterface
  interface Work {
    /** Applies the input; returns whether the row must be written. */
    boolean apply(
        Map<String, LockedProfile> locked, WorkspaceSegments segments, Evaluation evaluation);
  }

  private Uni<Void> run(String workspaceId, List<String> profileIds, Work work) {
    Evaluation evaluation = new Evaluation(clock.instant());
    return Panache.withTransaction(
            () ->
                catalog
                    .of(workspaceId)
                    .chain(
                        segments ->
                            lockAll(workspaceId, profileIds)
                                .chain(
                                    locked -> {
                                      boolean write = work.apply(locked, segments, evaluation);
                                      metrics.evaluated("realtime", evaluation.evaluated);
                                      Uni<Void> persisted =
                                          write
                                              ? persist(locked.values(), evaluation)
                                              : Uni.createFrom().voidItem();
                                      return persisted.chain(
                                          () -> effects.applyToRedis(evaluation));
                                    })))
        .invoke(() -> effects.afterCommit(evaluation));
  }

  private Uni<Map<String, LockedProfile>> lockAll(String workspaceId, List<String> profileIds) {
    // lock in key order so that two merges never deadlock
    List<String> ordered = new ArrayList<>(new TreeSet<>(profileIds));
    Map<String, LockedProfile> locked = new HashMap<>();
    Uni<Void> chain = Uni.createFrom().voidItem();
    for (String profileId : ordered) {
      chain =
          chain.chain(
              () ->
                  profiles
                      .lock(workspaceId, profileId)
                      .invoke(
                          row -> {
                            if (row == null) {
                              ProfileStateEntity fresh = codec.newRow(workspaceId, profileId);
                              locked.put(
                                  profileId,
                                  new LockedProfile(
                                      fresh, new ProfileState(workspaceId, profileId), false));
                            } else {
                              locked.put(
                                  profileId, new LockedProfile(row, codec.decode(row), true));
                            }
                          })
                      .replaceWithVoid());
    }
    return chain.replaceWith(locked);
  }

  private Uni<Void> persist(Collection<LockedProfile> locked, Evaluation evaluation) {
    Instant now = evaluation.now;
    Uni<Void> chain = Uni.createFrom().voidItem();
    for (LockedProfile p : locked) {
      codec.encodeData(p.state, p.row);
      p.row.updatedAt = now;
      if (!p.stored) {
        chain = chain.chain(() -> profiles.persist(p.row).replaceWithVoid());
      }
    }
    if (!evaluation.changes.isEmpty()) {
      chain = chain.chain(() -> history.insertAll(evaluation.changes));
    }
    return chain.chain(() -> profiles.flush());
  }
}
