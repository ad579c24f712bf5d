package org.opencdp.segment.evaluation;

import io.micrometer.core.instrument.Timer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.opencdp.segment.definition.SegmentCatalog;
import org.opencdp.segment.definition.WorkspaceSegments;
import org.opencdp.segment.membership.MembershipChangeRepository;
import org.opencdp.segment.profile.ProfileState;
import org.opencdp.segment.profile.ProfileStateCodec;
import org.opencdp.segment.profile.ProfileStateEntity;
import org.opencdp.segment.profile.ProfileStateRepository;

/**
 * Applies a batch of real-time inputs (a Kafka poll) in one transaction: locks every profile of the
 * batch with one query in key order (so two instances with overlapping batches wait for each other
 * instead of deadlocking), applies each profile's inputs in their order (same history and
 * membership as one transaction per input), writes each changed row once, inserts the history and
 * outbox rows together, and writes Redis in one pipeline while the rows are still locked (see
 * {@link Effects#applyToRedis}). Kafka follows the commit. Applying a batch again changes nothing:
 * older versions and known event ids are ignored.
 */
@ApplicationScoped
public class InputBatch {
  private final ProfileStateRepository profiles;
  private final ProfileStateCodec codec;
  private final SegmentCatalog catalog;
  private final MembershipChangeRepository history;
  private final InputRules rules;
  private final Effects effects;
  private final SegmentMetrics metrics;
  private final Clock clock;

  InputBatch(
      ProfileStateRepository profiles,
      ProfileStateCodec codec,
      SegmentCatalog catalog,
      MembershipChangeRepository history,
      InputRules rules,
      Effects effects,
      SegmentMetrics metrics,
      Clock clock) {
    this.profiles = profiles;
    this.codec = codec;
    this.catalog = catalog;
    this.history = history;
    this.rules = rules;
    this.effects = effects;
    this.metrics = metrics;
    this.clock = clock;
  }

  public Uni<Void> apply(List<? extends RealtimeInput> inputs) {
    if (inputs.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    // key order: the order the rows are locked and written in
    Map<String, List<RealtimeInput>> byProfile = new TreeMap<>();
    for (RealtimeInput input : inputs) {
      byProfile
          .computeIfAbsent(
              ProfileStateEntity.key(input.workspaceId(), input.profileId()),
              k -> new ArrayList<>())
          .add(input);
    }
    Timer.Sample sample = Timer.start();
    Evaluation evaluation = new Evaluation(clock.instant());
    return Panache.withTransaction(
            () ->
                catalogs(byProfile)
                    .chain(
                        segments ->
                            lockRows(List.copyOf(byProfile.keySet()))
                                .call(profiles::detach) // written by updateAll, not Hibernate
                                .chain(rows -> applyLocked(byProfile, segments, rows, evaluation))))
        .invoke(() -> effects.afterCommit(evaluation))
        .eventually(() -> sample.stop(metrics.profileChange()));
  }

  /**
   * Locks the stored rows of {@code keys} (in key order). For keys without a row it then waits for
   * any other batch creating the same profiles ({@link ProfileStateRepository#lockNewKeys}) and
   * locks what that batch committed meanwhile, so a profile's row is inserted once, by one batch.
   */
  private Uni<List<ProfileStateEntity>> lockRows(List<String> keys) {
    return profiles
        .lockAll(keys)
        .chain(
            rows -> {
              Set<String> found = new HashSet<>();
              rows.forEach(row -> found.add(row.key));
              List<String> missing = keys.stream().filter(k -> !found.contains(k)).toList();
              if (missing.isEmpty()) {
                return Uni.createFrom().item(rows);
              }
              return profiles
                  .lockNewKeys(missing)
                  .chain(() -> profiles.lockAll(missing))
                  .map(
                      createdMeanwhile -> {
                        List<ProfileStateEntity> all = new ArrayList<>(rows);
                        all.addAll(createdMeanwhile);
                        return all;
                      });
            });
  }

  /** The segments of every workspace in the batch. */
  private Uni<Map<String, WorkspaceSegments>> catalogs(Map<String, List<RealtimeInput>> byProfile) {
    Map<String, WorkspaceSegments> result = new HashMap<>();
    Uni<Void> chain = Uni.createFrom().voidItem();
    for (List<RealtimeInput> group : byProfile.values()) {
      String workspaceId = group.get(0).workspaceId();
      if (result.containsKey(workspaceId)) {
        continue;
      }
      result.put(workspaceId, null);
      chain =
          chain.chain(
              () ->
                  catalog
                      .of(workspaceId)
                      .invoke(s -> result.put(workspaceId, s))
                      .replaceWithVoid());
    }
    return chain.replaceWith(result);
  }

  private Uni<Void> applyLocked(
      Map<String, List<RealtimeInput>> byProfile,
      Map<String, WorkspaceSegments> segments,
      List<ProfileStateEntity> rows,
      Evaluation evaluation) {
    Map<String, ProfileStateEntity> stored = new HashMap<>();
    rows.forEach(row -> stored.put(row.key, row));
    Map<String, LockedProfile> locked = new LinkedHashMap<>();
    List<ProfileStateEntity> readingOccurrences = new ArrayList<>();
    for (Map.Entry<String, List<RealtimeInput>> entry : byProfile.entrySet()) {
      RealtimeInput first = entry.getValue().get(0);
      ProfileStateEntity row = stored.get(entry.getKey());
      LockedProfile p =
          row == null
              ? new LockedProfile(
                  codec.newRow(first.workspaceId(), first.profileId()),
                  new ProfileState(first.workspaceId(), first.profileId()),
                  false)
              : new LockedProfile(row, codec.decode(row), true);
      locked.put(entry.getKey(), p);
      if (row != null
          && rules.readsOccurrences(p.state, segments.get(first.workspaceId()), entry.getValue())) {
        readingOccurrences.add(row);
      }
    }
    metrics.occurrencesRead(readingOccurrences.size());
    return profiles
        .readEvents(readingOccurrences)
        .chain(() -> applyInputs(byProfile, segments, locked, evaluation));
  }

  private Uni<Void> applyInputs(
      Map<String, List<RealtimeInput>> byProfile,
      Map<String, WorkspaceSegments> segments,
      Map<String, LockedProfile> locked,
      Evaluation evaluation) {
    List<LockedProfile> changed = new ArrayList<>();
    for (Map.Entry<String, List<RealtimeInput>> entry : byProfile.entrySet()) {
      LockedProfile p = locked.get(entry.getKey());
      WorkspaceSegments workspaceSegments = segments.get(p.state.workspaceId);
      for (RealtimeInput input : entry.getValue()) {
        if (rules.apply(p, workspaceSegments, evaluation, input)) {
          p.written = true;
        }
      }
      if (p.written) {
        changed.add(p);
      }
    }
    metrics.evaluated("realtime", evaluation.evaluated);
    return persist(changed, evaluation).chain(() -> effects.applyToRedis(evaluation));
  }

  /**
   * Each changed row once: new ones inserted in key order by Hibernate, stored ones updated by one
   * statement that sends the large JSON columns only where they changed; then the history rows.
   */
  private Uni<Void> persist(List<LockedProfile> changed, Evaluation evaluation) {
    List<ProfileStateEntity> inserts = new ArrayList<>();
    List<ProfileStateRepository.ChangedRow> updates = new ArrayList<>();
    for (LockedProfile p : changed) {
      String snapshot = p.row.snapshot;
      String events = p.row.events;
      codec.encodeData(p.state, p.row);
      p.row.updatedAt = evaluation.now;
      if (!p.stored) {
        inserts.add(p.row);
      } else {
        // the codec assigns a new string only when it encoded a change
        updates.add(
            new ProfileStateRepository.ChangedRow(
                p.row, p.row.snapshot != snapshot, p.row.events != events));
      }
    }
    Uni<Void> chain = inserts.isEmpty() ? Uni.createFrom().voidItem() : profiles.persist(inserts);
    chain = chain.chain(() -> profiles.updateAll(updates));
    if (!evaluation.changes.isEmpty()) {
      chain = chain.chain(() -> history.insertAll(evaluation.changes));
    }
    return inserts.isEmpty() ? chain : chain.chain(() -> profiles.flush());
  }
}
