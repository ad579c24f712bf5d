package org.opencdp.profile.profile;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.profile.audit.AuditStore;
import org.opencdp.profile.computed.ComputedTraitDefinition;
import org.opencdp.profile.computed.ComputedTraitStore;
import org.opencdp.profile.messaging.KafkaPublisher;
import org.opencdp.profile.profile.ProfileEvents.Parsed;
import org.opencdp.profile.timeline.RetentionSettings;
import org.opencdp.profile.timeline.TimelineStore;

/**
 * Applies the resolved events of one poll batch with a fixed number of round trips instead of five
 * or more per event: one tombstone read, one timeline insert, one read and one bulk write of the
 * profiles, one bulk write each for audit and identifier index, one to mark the entries applied;
 * the acknowledged outboxes are cleared later in bulk ({@link FinishedOutboxes}), most of them by
 * the profile's next write. Events of one profile are folded in their partition order, and each
 * profile is written once per batch under its version check.
 *
 * <p>What is not routine goes through {@link ProfileEvents#apply(Parsed)} one event at a time, in
 * order: profiles merged away (redirect), suppressed profiles, and writes that lost a race. That
 * path is idempotent (the timeline entry and the profile's recent event keys), so handing over
 * after a partial bulk is safe.
 */
@ApplicationScoped
public class ProfileEventBatch {
  private final ProfileEvents single;
  private final TimelineStore timeline;
  private final ProfileStore profiles;
  private final ProfileWriter writer;
  private final AuditStore audit;
  private final IdentifierStore identifiers;
  private final ProfileDocuments documents;
  private final KafkaPublisher publisher;
  private final ComputedTraitStore computedTraits;
  private final RetentionSettings retention;
  private final ErasureTombstones tombstones;
  private final ProfileErasure erasure;
  private final Clock clock;
  private final MeterRegistry metrics;
  private final StoreWorkLedger storeWorkDone;
  private final FinishedOutboxes finishedOutboxes;

  ProfileEventBatch(
      ProfileEvents single,
      TimelineStore timeline,
      ProfileStore profiles,
      ProfileWriter writer,
      AuditStore audit,
      IdentifierStore identifiers,
      ProfileDocuments documents,
      KafkaPublisher publisher,
      ComputedTraitStore computedTraits,
      RetentionSettings retention,
      ErasureTombstones tombstones,
      ProfileErasure erasure,
      Clock clock,
      MeterRegistry metrics,
      StoreWorkLedger storeWorkDone,
      FinishedOutboxes finishedOutboxes) {
    this.storeWorkDone = storeWorkDone;
    this.finishedOutboxes = finishedOutboxes;
    this.erasure = erasure;
    this.single = single;
    this.timeline = timeline;
    this.profiles = profiles;
    this.writer = writer;
    this.audit = audit;
    this.identifiers = identifiers;
    this.documents = documents;
    this.publisher = publisher;
    this.computedTraits = computedTraits;
    this.retention = retention;
    this.tombstones = tombstones;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** One profile's events of the batch, in partition order. */
  private record Group(String profileId, List<Parsed> events) {}

  public Uni<Void> apply(List<Parsed> batch) {
    if (batch.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    long started = System.nanoTime();
    Map<String, Map<String, Group>> byWorkspace = new LinkedHashMap<>();
    Map<String, Parsed> seen = new LinkedHashMap<>();
    for (Parsed event : batch) {
      if (seen.putIfAbsent(event.key(), event) != null) {
        single.count("duplicate"); // the same event twice in one batch
        continue;
      }
      byWorkspace
          .computeIfAbsent(event.event().workspaceId(), ws -> new LinkedHashMap<>())
          .computeIfAbsent(event.event().profileId(), id -> new Group(id, new ArrayList<>()))
          .events()
          .add(event);
    }
    return Multi.createFrom()
        .iterable(byWorkspace.entrySet())
        .onItem()
        .transformToUniAndConcatenate(e -> applyWorkspace(e.getKey(), e.getValue()))
        .collect()
        .last()
        .invoke(
            () -> {
              long perEvent = (System.nanoTime() - started) / Math.max(1, seen.size());
              var timer = metrics.timer("cdp.profile.event.apply");
              for (int i = 0; i < seen.size(); i++) {
                timer.record(perEvent, TimeUnit.NANOSECONDS);
              }
            })
        .replaceWithVoid();
  }

  private Uni<Void> applyWorkspace(String ws, Map<String, Group> groups) {
    return tombstones
        .erased(ws, groups.keySet())
        .chain(
            erased -> {
              for (String id : erased) {
                groups.remove(id).events().forEach(e -> single.count("erased"));
              }
              if (groups.isEmpty()) {
                return Uni.createFrom().voidItem();
              }
              return retention
                  .forWorkspace(ws)
                  .chain(kept -> timeline.recordAll(entries(ws, groups, kept)))
                  .chain(
                      applied -> {
                        dropApplied(groups, applied);
                        return computedTraits
                            .forWorkspace(ws)
                            .chain(
                                definitions ->
                                    profiles
                                        .loadAll(ws, groups.keySet())
                                        .chain(loaded -> fold(ws, groups, loaded, definitions)));
                      });
            });
  }

  private static List<Document> entries(
      String ws, Map<String, Group> groups, RetentionSettings.Retention kept) {
    List<Document> entries = new ArrayList<>();
    for (Group group : groups.values()) {
      for (Parsed e : group.events()) {
        entries.add(
            TimelineStore.entry(
                e.key(),
                ws,
                group.profileId(),
                e.event().type().wireName(),
                e.name(),
                e.at(),
                e.identifiers().stream().map(KnownIdentifier::hash).toList(),
                e.stored(),
                e.at().plus(kept.duration())));
      }
    }
    return entries;
  }

  private void dropApplied(Map<String, Group> groups, Set<String> applied) {
    if (applied.isEmpty()) {
      return;
    }
    groups
        .values()
        .forEach(
            g ->
                g.events()
                    .removeIf(
                        e -> {
                          boolean duplicate = applied.contains(e.key());
                          if (duplicate) {
                            single.count("duplicate");
                          }
                          return duplicate;
                        }));
    groups.values().removeIf(g -> g.events().isEmpty());
  }

  private Uni<Void> fold(
      String ws,
      Map<String, Group> groups,
      Map<String, Profile> loaded,
      List<ComputedTraitDefinition> definitions) {
    Instant now = clock.instant();
    List<Group> oneByOne = new ArrayList<>();
    List<Profile> written = new ArrayList<>();
    Map<String, List<String>> appliedKeys = new LinkedHashMap<>();
    for (Group group : groups.values()) {
      Profile p = loaded.getOrDefault(group.profileId(), new Profile(ws, group.profileId()));
      if (p.status == Profile.Status.MERGED || p.suppressed) {
        oneByOne.add(group); // redirects and drops
        continue;
      }
      // an outbox still waiting for its ack is carried out again with this write's
      boolean changed = false;
      for (Parsed e : group.events()) {
        if (p.recentEventKeys.contains(e.key())) {
          continue; // folded in before a crash; only the applied mark was missing
        }
        ProfileApplier.apply(
            p, e.event(), e.key(), e.at(), e.identifiers(), definitions, now, true);
        single.remember(p, e.key(), group.events().size());
        changed = true;
      }
      appliedKeys.put(p.profileId, group.events().stream().map(Parsed::key).toList());
      if (changed) {
        written.add(p);
      }
    }
    Map<String, Group> byId = groups;
    return profiles
        .saveAll(written)
        .chain(
            lost -> {
              List<Profile> landed = new ArrayList<>();
              for (Profile p : written) {
                if (lost.contains(p.profileId)) {
                  oneByOne.add(byId.get(p.profileId));
                  appliedKeys.remove(p.profileId);
                } else {
                  landed.add(p);
                }
              }
              return flush(ws, landed)
                  .chain(
                      () ->
                          timeline.markAppliedAll(
                              appliedKeys.values().stream().flatMap(List::stream).toList()))
                  .invoke(
                      () ->
                          appliedKeys
                              .values()
                              .forEach(keys -> keys.forEach(k -> single.count("applied"))))
                  .chain(() -> eraseIfErasedMeanwhile(ws, landed))
                  .chain(() -> oneByOne(oneByOne));
            });
  }

  /**
   * The outboxes of the written profiles, in bulk: audit records and identifier index entries
   * before going on (reads see them at once), then ProfileChanged without waiting for the acks; at
   * the ack the store part is cleared and the outbox recorded as finished ({@link
   * FinishedOutboxes}: its message part is cleared in bulk seconds later unless the profile's next
   * write replaced it first), else {@link OutboxRelay} resends. Index entries are not safe to
   * assign again later (a detach or unmerge may have moved the identifier since), only in the crash
   * window: until the ack, {@link StoreWorkLedger} keeps this instance's writers from carrying the
   * store part out again, and if the ack fails the store part is cleared on its own.
   */
  private Uni<Void> flush(String ws, List<Profile> landed) {
    List<Document> auditDocs = new ArrayList<>();
    Map<String, List<KnownIdentifier>> newIdentifiers = new LinkedHashMap<>();
    List<Profile> withStoreWork = new ArrayList<>();
    List<Profile> withMessage = new ArrayList<>();
    List<Profile> nothingToSend = new ArrayList<>();
    List<ProfileChanged> messages = new ArrayList<>();
    for (Profile p : landed) {
      Profile.Outbox out = p.outbox;
      out.audit.forEach(a -> auditDocs.add(documents.auditDocument(ws, p.profileId, a)));
      if (!out.identifiers.isEmpty()) {
        newIdentifiers.put(p.profileId, List.copyOf(out.identifiers));
      }
      boolean storeWork = !out.audit.isEmpty() || !out.identifiers.isEmpty();
      if (out.changedFields.isEmpty()) {
        if (!out.isEmpty()) {
          nothingToSend.add(p); // store work only, done below; an empty outbox was not written
        }
      } else {
        messages.add(writer.changed(p));
        withMessage.add(p);
        if (storeWork) {
          withStoreWork.add(p);
        }
      }
    }
    return audit
        .record(auditDocs)
        .chain(() -> identifiers.assignAll(ws, newIdentifiers))
        .invoke(() -> withStoreWork.forEach(storeWorkDone::carriedOut))
        .chain(() -> profiles.clearOutboxes(nothingToSend, false))
        .invoke(
            () -> {
              publishThenClear(messages, withMessage, withStoreWork);
              landed.forEach(p -> p.outbox.clear());
            });
  }

  private void publishThenClear(
      List<ProfileChanged> messages, List<Profile> sent, List<Profile> withStoreWork) {
    if (messages.isEmpty()) {
      return;
    }
    // each profile object is this batch's, at the version it wrote
    Uni.join()
        .all(messages.stream().map(publisher::profileChanged).toList())
        .andCollectFailures()
        .onItemOrFailure()
        .transformToUni(
            (ok, failure) -> {
              if (failure == null) {
                sent.forEach(finishedOutboxes::finished); // cleared later, or replaced first
                // the store part does not outlive the ack: index entries are not safe to assign
                // again later (another instance reading the outbox would)
                return profiles.clearOutboxes(withStoreWork, true);
              }
              Log.warnf(
                  "ProfileChanged not acknowledged (%s); the outbox relay resends it",
                  failure.getClass().getSimpleName());
              return profiles.clearOutboxes(withStoreWork, true); // the store work is done
            })
        .onTermination()
        .invoke(() -> withStoreWork.forEach(p -> storeWorkDone.cleared(p, p.version)))
        .subscribe()
        .with(
            ok -> {},
            failure ->
                Log.warnf(
                    "outbox not cleared (%s); the outbox relay carries it out",
                    failure.getClass().getSimpleName()));
  }

  private Uni<Void> eraseIfErasedMeanwhile(String ws, List<Profile> landed) {
    List<String> created =
        landed.stream().filter(p -> p.version == 1).map(p -> p.profileId).toList();
    if (created.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    // the race with a concurrent erase, closed as in ProfileEvents (one read for the batch)
    return tombstones
        .erased(ws, created)
        .chain(
            erased ->
                Multi.createFrom()
                    .iterable(erased)
                    .onItem()
                    .transformToUniAndConcatenate(id -> erasure.erase(ws, id))
                    .collect()
                    .last()
                    .replaceWithVoid());
  }

  private Uni<Void> oneByOne(List<Group> groups) {
    if (groups.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return Multi.createFrom()
        .iterable(groups)
        .onItem()
        .transformToIterable(Group::events)
        .onItem()
        .transformToUniAndConcatenate(single::apply)
        .collect()
        .last()
        .replaceWithVoid();
  }
}
