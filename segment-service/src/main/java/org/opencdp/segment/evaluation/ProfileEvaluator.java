package org.opencdp.segment.evaluation;

import io.micrometer.core.instrument.Timer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.EventType;
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
 * Real-time evaluation. Every input (profile change, resolved event, identity change, due timer) is
 * one transaction that locks the profile's row, applies the input, re-evaluates only the segments
 * that depend on what changed, and writes the new state with the history/outbox rows; Redis and
 * Kafka follow the commit ({@link Effects}). Redelivered and older inputs change nothing but still
 * re-sync the profile's Redis membership.
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

  public ProfileEvaluator(
      ProfileStateRepository profiles,
      ProfileStateCodec codec,
      SegmentCatalog catalog,
      MembershipChangeRepository history,
      Effects effects,
      SegmentMetrics metrics,
      Clock clock,
      SegmentConfig config) {
    this.profiles = profiles;
    this.codec = codec;
    this.catalog = catalog;
    this.history = history;
    this.effects = effects;
    this.metrics = metrics;
    this.clock = clock;
    this.eventConfig = config.events();
  }

  /** A locked profile row and its decoded state. */
  private record Locked(ProfileStateEntity row, ProfileState state, boolean isNew) {}

  // ---- inputs ------------------------------------------------------------------------------

  public Uni<Void> onProfileChanged(ProfileChanged message) {
    Timer.Sample sample = Timer.start();
    return run(
            message.workspaceId(),
            List.of(message.profileId()),
            (locked, segments, evaluation) -> {
              Locked p = locked.get(message.profileId());
              ProfileState state = p.state();
              if (!p.isNew() && state.version >= message.version()) {
                evaluation.sync(state); // redelivered or older: nothing to apply
                return false;
              }
              if (message.deleted()) {
                evaluation.exitAll(state, segments, "profile deleted");
                state.erase();
                state.version = message.version();
                evaluation.sync(state);
                return true;
              }
              boolean firstSnapshot = p.isNew() || state.version == 0 || state.deleted;
              Set<String> changed = new HashSet<>(message.changedFields());
              diff("traits.", state.traits, nullSafe(message.traits()), changed);
              diff("computed.", state.computed, nullSafe(message.computedTraits()), changed);
              diff("consent.", state.consent, nullSafe(message.consent()), changed);
              state.traits = new LinkedHashMap<>(nullSafe(message.traits()));
              state.computed = new LinkedHashMap<>(nullSafe(message.computedTraits()));
              state.consent = new LinkedHashMap<>(nullSafe(message.consent()));
              state.version = message.version();
              state.deleted = false;
              p.row().mergedInto = null; // alive again (unmerged): part of no other profile
              List<CompiledSegment> affected =
                  firstSnapshot ? segments.all() : segments.affectedBy(changed);
              evaluation.evaluate(state, affected, reason("profile changed", changed), false);
              evaluation.sync(state);
              return true;
            })
        .eventually(() -> sample.stop(metrics.profileChange()));
  }

  public Uni<Void> onEvent(EventEnvelope event) {
    String name = eventName(event);
    Instant at = firstNonNull(event.timestamp(), event.receivedAt(), event.originalTimestamp());
    return run(
        event.workspaceId(),
        List.of(event.profileId()),
        (locked, segments, evaluation) -> {
          Locked p = locked.get(event.profileId());
          ProfileState state = p.state();
          Instant now = evaluation.now;
          long oldest = now.minus(Duration.ofDays(eventConfig.retentionDays())).toEpochMilli();
          long when = (at == null ? now : at).toEpochMilli();
          if (state.deleted
              || !state.addOccurrence(
                  name,
                  new Occurrence(event.messageId(), when, properties(event.properties())),
                  eventConfig.maxOccurrences(),
                  oldest)) {
            evaluation.sync(state);
            return false;
          }
          List<CompiledSegment> affected =
              p.isNew() ? segments.all() : segments.affectedBy(List.of("events." + name));
          evaluation.evaluate(state, affected, "event: " + shorten(name), false);
          evaluation.sync(state);
          return true;
        });
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
          ProfileState from = locked.get(merged).state();
          ProfileState into = locked.get(survivor).state();
          // remembered so that a privacy delete of the survivor also reaches this profile
          locked.get(merged).row().mergedInto = survivor;
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
          Locked p = locked.get(profileId);
          ProfileState state = p.state();
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
          Locked p = locked.get(profileId);
          if (p.isNew() || p.state().deleted) {
            return false;
          }
          evaluation.evaluate(p.state(), segments.all(), reason, false);
          evaluation.sync(p.state());
          return true;
        });
  }

  /** Evaluates due timers of one profile: the listed segments (and their dependents). */
  public Uni<Void> onTimers(String workspaceId, String profileId, Collection<String> segmentIds) {
    return run(
        workspaceId,
        List.of(profileId),
        (locked, segments, evaluation) -> {
          Locked p = locked.get(profileId);
          ProfileState state = p.state();
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
    boolean apply(Map<String, Locked> locked, WorkspaceSegments segments, Evaluation evaluation);
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

  private Uni<Map<String, Locked>> lockAll(String workspaceId, List<String> profileIds) {
    // lock in key order so that two merges never deadlock
    List<String> ordered = new ArrayList<>(new TreeSet<>(profileIds));
    Map<String, Locked> locked = new HashMap<>();
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
                                  new Locked(
                                      fresh, new ProfileState(workspaceId, profileId), true));
                            } else {
                              locked.put(profileId, new Locked(row, codec.decode(row), false));
                            }
                          })
                      .replaceWithVoid());
    }
    return chain.replaceWith(locked);
  }

  private Uni<Void> persist(Collection<Locked> locked, Evaluation evaluation) {
    Instant now = evaluation.now;
    Uni<Void> chain = Uni.createFrom().voidItem();
    for (Locked p : locked) {
      codec.encodeData(p.state(), p.row());
      p.row().updatedAt = now;
      if (p.isNew()) {
        chain = chain.chain(() -> profiles.persist(p.row()).replaceWithVoid());
      }
    }
    if (!evaluation.changes.isEmpty()) {
      chain = chain.chain(() -> history.insertAll(evaluation.changes));
    }
    return chain.chain(() -> profiles.flush());
  }

  // ---- helpers -----------------------------------------------------------------------------

  static String eventName(EventEnvelope event) {
    if (event.type() == EventType.TRACK && event.event() != null) {
      return event.event();
    }
    return event.type() == null ? "unknown" : event.type().wireName();
  }

  private static <K, V> Map<K, V> nullSafe(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }

  private static void diff(
      String prefix, Map<String, ?> before, Map<String, ?> after, Set<String> changed) {
    for (String key : before.keySet()) {
      if (!Objects.equals(before.get(key), after.get(key))) {
        changed.add(prefix + key);
      }
    }
    for (String key : after.keySet()) {
      if (!before.containsKey(key)) {
        changed.add(prefix + key);
      }
    }
  }

  private static String reason(String what, Set<String> fields) {
    List<String> names = new ArrayList<>(new TreeSet<>(fields));
    String list = String.join(", ", names.subList(0, Math.min(5, names.size())));
    return shorten(what + ": " + list + (names.size() > 5 ? ", ..." : ""));
  }

  private static String shorten(String text) {
    return text.length() > 200 ? text.substring(0, 200) : text;
  }

  @SafeVarargs
  private static <T> T firstNonNull(T... values) {
    for (T value : values) {
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  /** Scalar properties (and lists of scalars), bounded in number and length. */
  private Map<String, Object> properties(Map<String, Object> properties) {
    if (properties == null || properties.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> kept = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : properties.entrySet()) {
      if (kept.size() >= eventConfig.maxProperties()) {
        break;
      }
      Object value = scalar(e.getValue());
      if (value != null) {
        kept.put(e.getKey(), value);
      }
    }
    return kept;
  }

  private static Object scalar(Object value) {
    if (value instanceof String s) {
      return s.length() > 256 ? s.substring(0, 256) : s;
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value;
    }
    if (value instanceof List<?> list && list.size() <= 50) {
      List<Object> scalars = new ArrayList<>();
      for (Object item : list) {
        Object s = item instanceof Map<?, ?> || item instanceof List<?> ? null : scalar(item);
        if (s != null) {
          scalars.add(s);
        }
      }
      return scalars;
    }
    return null;
  }
}
