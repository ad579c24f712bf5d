package org.opencdp.profile.profile;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.quarkus.logging.Log;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.profile.computed.ComputedTraitDefinition;
import org.opencdp.profile.computed.ComputedTraitStore;
import org.opencdp.profile.config.Collections;
import org.opencdp.profile.config.ProfileConfig;
import org.opencdp.profile.timeline.TimelineStore;

/**
 * Timeline retention. Each timeline entry gets {@code expiresAt} (event time + the workspace's
 * retention) when it is recorded. This job takes the entries whose time has come, folds them into
 * their profile's base state ({@link Profile#base}), then deletes them. Merges and unmerges rebuild
 * a profile from its base state plus the events still on the timeline, so what retention removed
 * still counts (traits by event time, consent, identifiers, computed-trait buckets).
 *
 * <p>On MongoDB a TTL index on {@code expiresAt} (with a grace period, default one day) removes
 * whatever this job missed (job off, instance down): the events' effect on the profile document is
 * kept, but a later rebuild would not see them. mongo-java-server runs no TTL monitor, so there
 * this job is the only mechanism. Expired erasure tombstones are removed here too.
 */
@ApplicationScoped
public class TimelineRetentionJob {
  /** Events folded per profile per run: bounds the keys remembered for a crash-safe redo. */
  static final int MAX_PER_PROFILE = 256;

  private final TimelineStore timeline;
  private final ProfileWriter writer;
  private final ComputedTraitStore computedTraits;
  private final IdentifierExtractor extractor;
  private final PayloadCodec payloads;
  private final ErasureTombstones tombstones;
  private final ReactiveMongoCollection<Document> profiles;
  private final Clock clock;
  private final int batchSize;

  TimelineRetentionJob(
      TimelineStore timeline,
      ProfileWriter writer,
      ComputedTraitStore computedTraits,
      IdentifierExtractor extractor,
      PayloadCodec payloads,
      ErasureTombstones tombstones,
      Collections collections,
      Clock clock,
      ProfileConfig config) {
    this.timeline = timeline;
    this.writer = writer;
    this.computedTraits = computedTraits;
    this.extractor = extractor;
    this.payloads = payloads;
    this.tombstones = tombstones;
    this.profiles = collections.get(Collections.PROFILES);
    this.clock = clock;
    this.batchSize = config.timeline().retentionBatchSize();
  }

  @Scheduled(
      every = "${cdp.profile.timeline.retention-interval:5m}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      skipExecutionIf = Scheduled.ApplicationNotRunning.class)
  Uni<Void> scheduled() {
    return runOnce()
        .onFailure()
        .invoke(f -> Log.warnf("timeline retention run failed: %s", f.getClass().getSimpleName()))
        .onFailure()
        .recoverWithNull()
        .replaceWithVoid();
  }

  /** Folds and removes the entries expired at the clock's now; returns how many were removed. */
  public Uni<Integer> runOnce() {
    Instant now = clock.instant();
    return timeline
        .expired(now, batchSize)
        .chain(
            docs -> {
              Map<String, List<Document>> byProfile = new LinkedHashMap<>();
              for (Document doc : docs) {
                List<Document> own =
                    byProfile.computeIfAbsent(
                        doc.getString("workspaceId") + "\u0000" + doc.getString("profileId"),
                        k -> new ArrayList<>());
                if (own.size() < MAX_PER_PROFILE) {
                  own.add(doc);
                }
              }
              return Multi.createFrom()
                  .iterable(byProfile.values())
                  .onItem()
                  .transformToUniAndConcatenate(own -> fold(own, now))
                  .collect()
                  .asList()
                  .map(counts -> counts.stream().mapToInt(Integer::intValue).sum());
            })
        .call(tombstones::purgeExpired);
  }

  private Uni<Integer> fold(List<Document> docs, Instant now) {
    String ws = docs.get(0).getString("workspaceId");
    String profileId = docs.get(0).getString("profileId");
    List<String> keys = docs.stream().map(d -> d.getString("_id")).toList();
    return computedTraits
        .forWorkspace(ws)
        .chain(
            definitions ->
                writer.mutate(
                    ws,
                    profileId,
                    p -> Uni.createFrom().item(p.exists() && foldInto(p, docs, definitions, now))))
        .chain(() -> timeline.deleteAll(keys))
        .chain(
            () ->
                // the redo keys served their purpose; a racing writer may keep them, harmlessly
                profiles.updateOne(
                    Filters.eq("_id", ProfileDocuments.id(ws, profileId)),
                    Updates.unset("baseFolded")))
        .replaceWith(keys.size());
  }

  /**
   * Folds the entries into the base state. Entries folded by an earlier run that crashed before
   * deleting them are skipped (their keys are remembered in the same write).
   */
  private boolean foldInto(
      Profile p, List<Document> docs, List<ComputedTraitDefinition> definitions, Instant now) {
    Set<String> alreadyFolded = new HashSet<>(p.baseFolded);
    Profile base = p.base == null ? new Profile(p.workspaceId, p.profileId) : p.base;
    for (Document doc : docs) {
      String key = doc.getString("_id");
      if (alreadyFolded.contains(key)) {
        continue;
      }
      EventEnvelope event =
          payloads.event(payloads.reveal(p.workspaceId, doc.getString("payload")));
      ProfileApplier.apply(
          base,
          event,
          key,
          doc.getDate("ts").toInstant(),
          extractor.of(event),
          definitions,
          now,
          false);
    }
    p.base = base;
    p.baseFolded.clear();
    docs.forEach(d -> p.baseFolded.add(d.getString("_id")));
    return true;
  }
}
