package org.opencdp.profile.profile;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.bson.Document;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.profile.computed.ComputedTraitDefinition;
import org.opencdp.profile.computed.ComputedTraitStore;
import org.opencdp.profile.config.Collections;
import org.opencdp.profile.messaging.PoisonMessage;
import org.opencdp.profile.timeline.TimelineStore;

/**
 * Applies identity changes. Every step is idempotent, so a redelivered change simply runs again:
 *
 * <ul>
 *   <li>MERGED: the merged profile becomes a redirect to the survivor, its timeline and identifiers
 *       move to the survivor, and the survivor is rebuilt from its (now combined) timeline, so
 *       traits resolve by event time and computed traits are recomputed.
 *   <li>UNMERGED / IDENTIFIER_DETACHED: the named identifiers, and the events that carried them
 *       (identifier provenance), go to the other profile; both are rebuilt from their timelines.
 * </ul>
 */
@ApplicationScoped
public class ProfileMerges {
  private static final int MAX_REBUILD_EVENTS = 100_000;

  private final ProfileWriter writer;
  private final TimelineStore timeline;
  private final IdentifierStore identifiers;
  private final IdentifierExtractor extractor;
  private final ComputedTraitStore computedTraits;
  private final PayloadCodec payloads;
  private final ReactiveMongoCollection<Document> changes;
  private final Clock clock;
  private final ErasureTombstones tombstones;

  ProfileMerges(
      ProfileWriter writer,
      TimelineStore timeline,
      IdentifierStore identifiers,
      IdentifierExtractor extractor,
      ComputedTraitStore computedTraits,
      PayloadCodec payloads,
      Collections collections,
      Clock clock,
      ErasureTombstones tombstones) {
    this.tombstones = tombstones;
    this.writer = writer;
    this.timeline = timeline;
    this.identifiers = identifiers;
    this.extractor = extractor;
    this.computedTraits = computedTraits;
    this.payloads = payloads;
    this.changes = collections.get(Collections.IDENTITY_CHANGES);
    this.clock = clock;
  }

  public Uni<Void> apply(IdentityChange change) {
    if (change.workspaceId() == null
        || change.changeId() == null
        || change.kind() == null
        || change.survivorProfileId() == null
        || change.mergedProfileId() == null) {
      throw new PoisonMessage("identity change without workspace, id, kind or profile ids");
    }
    String dedupId = change.workspaceId() + ":" + change.changeId();
    return changes
        .find(Filters.eq("_id", dedupId))
        .collect()
        .first()
        .chain(
            done -> {
              if (done != null) {
                return Uni.createFrom().voidItem();
              }
              Uni<Void> work =
                  tombstones
                      .erased(
                          change.workspaceId(),
                          List.of(change.survivorProfileId(), change.mergedProfileId()))
                      .chain(
                          erased ->
                              // a change that names an erased profile must not recreate it
                              !erased.isEmpty()
                                  ? Uni.createFrom().voidItem()
                                  : switch (change.kind()) {
                                    case MERGED -> merge(change);
                                    case UNMERGED, IDENTIFIER_DETACHED -> split(change);
                                  });
              return work.chain(
                  () ->
                      changes
                          .replaceOne(
                              Filters.eq("_id", dedupId),
                              new Document("_id", dedupId).append("applied", true),
                              new ReplaceOptions().upsert(true))
                          .replaceWithVoid());
            });
  }

  private Uni<Void> merge(IdentityChange change) {
    String ws = change.workspaceId();
    String survivor = change.survivorProfileId();
    String merged = change.mergedProfileId();
    if (survivor.equals(merged)) {
      return Uni.createFrom().voidItem();
    }
    String changeKey = "change:" + change.changeId();
    boolean[] mergedWasSuppressed = {false};
    Profile[] mergedBase = {null};
    Map<String, SegmentMembership> mergedSegments = new java.util.TreeMap<>();
    return writer
        .mutate(
            ws,
            merged,
            p -> {
              mergedWasSuppressed[0] = p.suppressed;
              mergedSegments.clear();
              mergedSegments.putAll(p.segments); // the stub keeps them until the survivor has them
              mergedBase[0] = p.base; // likewise for what retention folded
              if (p.status == Profile.Status.MERGED && survivor.equals(p.mergedInto)) {
                return Uni.createFrom().item(false);
              }
              p.status = Profile.Status.MERGED;
              p.mergedInto = survivor;
              p.replaceDerivedState(new Profile(ws, merged));
              p.outbox.deleted = true;
              p.outbox.changedFields.add("deleted");
              p.outbox.causingEventKey = changeKey;
              return Uni.createFrom().item(true);
            })
        .chain(() -> timeline.moveAll(ws, merged, survivor))
        .chain(() -> identifiers.moveAll(ws, merged, survivor))
        .chain(
            () ->
                rebuild(
                    ws,
                    survivor,
                    changeKey,
                    "identity:merge",
                    p -> {
                      if (!p.mergedFrom.contains(merged) && mergedBase[0] != null) {
                        if (p.base == null) {
                          p.base = new Profile(ws, survivor);
                        }
                        p.base.absorb(mergedBase[0]);
                      }
                    },
                    p -> {
                      p.status = Profile.Status.ACTIVE;
                      p.mergedInto = null;
                      if (!p.mergedFrom.contains(merged)) {
                        p.mergedFrom.add(merged);
                      }
                      p.absorbSegments(mergedSegments);
                      p.suppressed |= mergedWasSuppressed[0];
                    }))
        .chain(
            () ->
                // the survivor holds the merged base now (same write as mergedFrom)
                writer.mutate(
                    ws,
                    merged,
                    p -> {
                      if (p.base == null || p.status != Profile.Status.MERGED) {
                        return Uni.createFrom().item(false);
                      }
                      p.base = null;
                      return Uni.createFrom().item(true);
                    }))
        .replaceWithVoid();
  }

  private Uni<Void> split(IdentityChange change) {
    String ws = change.workspaceId();
    String stays = change.survivorProfileId();
    String leaves = change.mergedProfileId();
    List<Identifier> moving = change.identifiers() == null ? List.of() : change.identifiers();
    if (stays.equals(leaves)) {
      return Uni.createFrom().voidItem();
    }
    List<String> hashes =
        moving.stream().map(i -> extractor.known(ws, i.type(), i.value()).hash()).toList();
    String changeKey = "change:" + change.changeId();
    String source = "identity:" + change.kind().name().toLowerCase(java.util.Locale.ROOT);
    return identifiers
        .move(ws, hashes, leaves)
        .chain(() -> timeline.moveByIdentifiers(ws, stays, hashes, leaves))
        .chain(
            () ->
                rebuild(
                    ws,
                    leaves,
                    changeKey,
                    source,
                    p -> {
                      p.status = Profile.Status.ACTIVE;
                      p.mergedInto = null;
                    }))
        .chain(() -> rebuild(ws, stays, changeKey, source, p -> p.mergedFrom.remove(leaves)))
        .replaceWithVoid();
  }

  Uni<Profile> rebuild(
      String ws, String profileId, String changeKey, String source, Consumer<Profile> adjust) {
    return rebuild(ws, profileId, changeKey, source, p -> {}, adjust);
  }

  /**
   * Recomputes a profile from its base state (what retention folded) and its timeline, and records
   * the differences (audit, ProfileChanged). {@code before} runs on the stored profile first.
   */
  Uni<Profile> rebuild(
      String ws,
      String profileId,
      String changeKey,
      String source,
      Consumer<Profile> before,
      Consumer<Profile> adjust) {
    return computedTraits
        .forWorkspace(ws)
        .chain(
            definitions ->
                writer.mutate(
                    ws,
                    profileId,
                    p ->
                        timeline
                            .allRecorded(ws, profileId, MAX_REBUILD_EVENTS)
                            .map(
                                docs -> {
                                  before.accept(p);
                                  Instant now = clock.instant();
                                  Profile rebuilt =
                                      replay(ws, profileId, docs, definitions, now, p);
                                  ProfileApplier.recordDiff(p, rebuilt, source, changeKey, now);
                                  p.replaceDerivedState(rebuilt);
                                  adjust.accept(p);
                                  return true;
                                })));
  }

  private Profile replay(
      String ws,
      String profileId,
      List<Document> docs,
      List<ComputedTraitDefinition> definitions,
      Instant now,
      Profile current) {
    Profile rebuilt =
        current.base == null ? new Profile(ws, profileId) : current.base.derivedCopy(ws, profileId);
    for (Document doc : docs) {
      Map<String, Object> payload = payloads.reveal(ws, doc.getString("payload"));
      EventEnvelope event = payloads.event(payload);
      String key = doc.getString("_id");
      ProfileApplier.apply(
          rebuilt,
          event,
          key,
          doc.getDate("ts").toInstant(),
          extractor.of(event),
          definitions,
          now,
          false);
      if (!Boolean.TRUE.equals(doc.getBoolean("applied"))) {
        current.recentEventKeys.add(key); // folded in now; a redelivery must not count it twice
      }
    }
    ProfileApplier.refreshComputed(rebuilt, definitions, now);
    rebuilt.outbox.clear();
    return rebuilt;
  }
}
