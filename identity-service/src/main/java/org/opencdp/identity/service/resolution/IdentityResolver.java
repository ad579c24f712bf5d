package org.opencdp.identity.service.resolution;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.identity.config.IdentityConfig;
import org.opencdp.identity.service.IdentityMetrics;
import org.opencdp.identity.service.privacy.ErasedIdentifiers;
import org.opencdp.identity.store.ErasedIdentifierRepository;
import org.opencdp.identity.store.IdentifierRepository;
import org.opencdp.identity.store.MergeEntity;
import org.opencdp.identity.store.MergeIdentifierRepository;
import org.opencdp.identity.store.MergeRepository;
import org.opencdp.identity.store.ProcessedEventRepository;
import org.opencdp.identity.store.ProfileRepository;
import org.opencdp.identity.store.ProfileRow;
import org.opencdp.identity.store.RejectionEntity;
import org.opencdp.identity.store.RejectionRepository;
import org.opencdp.identity.store.SplitRepository;

/**
 * Resolves one event to a profile in one PostgreSQL transaction.
 *
 * <h2>Why this is correct under concurrency</h2>
 *
 * Every transaction, on any instance, follows the same protocol:
 *
 * <ol>
 *   <li>Take {@code pg_advisory_xact_lock} on every identifier of the event, hashed (workspace,
 *       type, value), in ascending key order. Two events sharing an identifier are serialised; this
 *       also covers identifiers that do not exist yet, which no row lock could, so two events can
 *       never both create a profile for the same new identifier.
 *   <li>Under those locks, read the owners of the identifiers and the processed-events record of
 *       the event (idempotency) in one statement. If the event only touches one existing profile
 *       and adds nothing, stop here (the common "known visitor" case costs three statements).
 *   <li>Otherwise lock the owner profiles {@code FOR UPDATE} in id order and check they are still
 *       active. A profile that was merged away between the read and the lock fails the check and
 *       the whole transaction restarts ({@link GraphChangedException}).
 *   <li>Read the operators' splits among those profiles, then plan ({@link LinkPlanner}): split
 *       profiles are never joined. A split's sides only change under the row locks of the profiles
 *       involved (creation by detach/undo, hand-over to a survivor on merge), so the splits read
 *       under those locks are the ones in force.
 * </ol>
 *
 * The invariant that makes step 3 sufficient: every statement that changes an identifier's profile
 * either holds that identifier's advisory lock (detach, undo, new identifiers) or holds the row
 * lock of the profile it leaves and marks it MERGED in the same transaction (merge). Every change
 * to a profile's identifier set holds that profile's row lock, so per-type counts read under it are
 * exact for the limit checks. Locks are always taken identifiers first, then profiles, each in one
 * global order, so there is no lock cycle; should PostgreSQL still report a deadlock, a unique
 * violation or a serialisation failure, the transaction is retried from the start with jittered
 * back-off. The unique constraint on (workspace, type, value) remains the last line of defence.
 *
 * <p>Erased identifiers: the read under the locks also finds the erasure records of the event's
 * identifiers (by keyed hash). An identifier erased at or after the gateway received the event
 * belongs to the erased person and takes no part in resolution; an event left without identifiers
 * resolves to {@link Resolution.Outcome#ERASED} and writes nothing but the count on the erasure
 * records. An erasure takes the same identifier locks, so it either committed before this read or
 * waits for this transaction.
 *
 * <p>Merges move the identifiers of the smaller profile (fewer identifiers; ties: the younger, then
 * the larger id) into the larger one through the (workspace, profile) index, so a merge costs in
 * proportion to the smaller side, never to the size of the graph.
 */
@ApplicationScoped
public class IdentityResolver {
  private final IdentifierExtractor extractor;
  private final RuleService rules;
  private final IdentifierRepository identifiers;
  private final ProfileRepository profiles;
  private final MergeRepository merges;
  private final MergeIdentifierRepository mergeIdentifiers;
  private final RejectionRepository rejections;
  private final ProcessedEventRepository processed;
  private final SplitRepository splits;
  private final ErasedIdentifiers erasedIdentifiers;
  private final ErasedIdentifierRepository erasures;
  private final IdentityMetrics metrics;
  private final int maxAttempts;

  public IdentityResolver(
      IdentifierExtractor extractor,
      RuleService rules,
      IdentifierRepository identifiers,
      ProfileRepository profiles,
      MergeRepository merges,
      MergeIdentifierRepository mergeIdentifiers,
      RejectionRepository rejections,
      ProcessedEventRepository processed,
      SplitRepository splits,
      ErasedIdentifiers erasedIdentifiers,
      ErasedIdentifierRepository erasures,
      IdentityMetrics metrics,
      IdentityConfig config) {
    this.extractor = extractor;
    this.rules = rules;
    this.identifiers = identifiers;
    this.profiles = profiles;
    this.merges = merges;
    this.mergeIdentifiers = mergeIdentifiers;
    this.rejections = rejections;
    this.processed = processed;
    this.splits = splits;
    this.erasedIdentifiers = erasedIdentifiers;
    this.erasures = erasures;
    this.metrics = metrics;
    this.maxAttempts = config.maxAttempts();
  }

  /**
   * Resolves the event. Runs on the caller's Vert.x duplicated context, which must not be shared
   * with other concurrent work (see {@code DuplicatedContexts}).
   */
  public Uni<Resolution> resolve(EventEnvelope event) {
    if (isBlank(event.workspaceId())) {
      return Uni.createFrom().failure(new PoisonEventException("event has no workspaceId"));
    }
    if (isBlank(event.messageId())) {
      return Uni.createFrom().failure(new PoisonEventException("event has no messageId"));
    }
    long start = System.nanoTime();
    return Uni.createFrom()
        .deferred(() -> Panache.withTransaction(() -> resolveInTransaction(event)))
        .onFailure(Transactions::isRetryable)
        .invoke(metrics::retried)
        .onFailure(Transactions::isRetryable)
        .retry()
        .withBackOff(Duration.ofMillis(2), Duration.ofMillis(200))
        .withJitter(0.5)
        .atMost(maxAttempts)
        .invoke(resolution -> metrics.resolved(resolution, System.nanoTime() - start));
  }

  private Uni<Resolution> resolveInTransaction(EventEnvelope event) {
    String workspaceId = event.workspaceId();
    return rules
        .rulesOf(workspaceId)
        .chain(
            ruleSet -> {
              Extraction extraction = extractor.extract(event, ruleSet);
              List<Identifier> lockSet = extraction.lockSet();
              if (lockSet.isEmpty()) {
                return Uni.createFrom()
                    .failure(
                        new PoisonEventException(
                            extraction.rejected().isEmpty()
                                ? "event has no identifier"
                                : "event has no usable identifier: "
                                    + extraction.rejected().size()
                                    + " rejected by the workspace's rules"));
              }
              Map<String, Identifier> byHash = new HashMap<>();
              lockSet.forEach(id -> byHash.put(erasedIdentifiers.hash(workspaceId, id), id));
              return identifiers
                  .lockInKeyOrder(workspaceId, lockSet)
                  .chain(
                      () ->
                          identifiers.readForResolution(
                              workspaceId, lockSet, event.eventKey(), byHash.keySet()))
                  .chain(
                      read -> {
                        Map<Identifier, String> erased = erasedBefore(event, read.erased(), byHash);
                        // Even a replay (processed before the erasure) is published without them.
                        Uni<Resolution> resolved =
                            read.processedProfileId() != null
                                ? replay(workspaceId, event.eventKey(), read.processedProfileId())
                                : fresh(event, extraction, ruleSet, read.owners(), erased);
                        return resolved.map(
                            resolution -> resolution.withErasedValues(erased.keySet()));
                      });
            });
  }

  /**
   * The event's identifiers that belong to an erased person (erased at or after the event was
   * received), with their hashes.
   */
  private static Map<Identifier, String> erasedBefore(
      EventEnvelope event, Map<String, Instant> erasedAt, Map<String, Identifier> byHash) {
    Map<Identifier, String> erased = new HashMap<>();
    erasedAt.forEach(
        (hash, at) -> {
          if (ErasedIdentifiers.belongsToErased(event.receivedAt(), at)) {
            erased.put(byHash.get(hash), hash);
          }
        });
    return erased;
  }

  private Uni<Resolution> fresh(
      EventEnvelope event,
      Extraction extraction,
      RuleSet ruleSet,
      Map<Identifier, String> owners,
      Map<Identifier, String> erased) {
    String workspaceId = event.workspaceId();
    String eventKey = event.eventKey();
    return Uni.createFrom()
        .deferred(
            () -> {
              List<Identifier> candidates = candidates(extraction, owners, ruleSet);
              // Only the identifiers the event would link (not an alias reading it does not use).
              List<String> erasedHashes = new ArrayList<>();
              candidates.forEach(
                  candidate -> {
                    if (erased.containsKey(candidate)) {
                      erasedHashes.add(erased.get(candidate));
                    }
                  });
              if (erasedHashes.isEmpty()) {
                return resolveCandidates(event, extraction, ruleSet, owners, candidates);
              }
              candidates.removeAll(erased.keySet());
              Uni<Void> counted = erasures.countLateEvent(workspaceId, erasedHashes);
              if (candidates.isEmpty()) {
                // Everything the event names was erased: it is the erased person's event. Not even
                // its rule rejections are recorded (they would be values of the person).
                return counted.replaceWith(Resolution.erased(erasedHashes.size()));
              }
              return counted
                  .chain(() -> resolveCandidates(event, extraction, ruleSet, owners, candidates))
                  .map(resolution -> resolution.withErasedIdentifiers(erasedHashes.size()));
            });
  }

  private Uni<Resolution> resolveCandidates(
      EventEnvelope event,
      Extraction extraction,
      RuleSet ruleSet,
      Map<Identifier, String> owners,
      List<Identifier> candidates) {
    String workspaceId = event.workspaceId();
    String eventKey = event.eventKey();
    return Uni.createFrom()
        .deferred(
            () -> {
              Set<String> ownerProfiles = new TreeSet<>();
              boolean allKnown = true;
              for (Identifier candidate : candidates) {
                String owner = owners.get(candidate);
                if (owner == null) {
                  allKnown = false;
                } else {
                  ownerProfiles.add(owner);
                }
              }
              List<Rejected> rejected = new ArrayList<>(extraction.rejected());
              if (allKnown && ownerProfiles.size() == 1) {
                return finish(
                    workspaceId,
                    eventKey,
                    ownerProfiles.iterator().next(),
                    Resolution.Outcome.KNOWN,
                    List.of(),
                    rejected);
              }
              if (ownerProfiles.isEmpty()) {
                LinkPlan plan = LinkPlanner.plan(candidates, Map.of(), Map.of(), ruleSet);
                rejected.addAll(plan.rejected());
                return create(workspaceId, eventKey, plan.created(), rejected);
              }
              return profiles
                  .lockInIdOrder(workspaceId, ownerProfiles)
                  .chain(
                      rows -> {
                        if (rows.size() != ownerProfiles.size()
                            || !rows.values().stream().allMatch(ProfileRow::active)) {
                          throw new GraphChangedException("a profile changed before it was locked");
                        }
                        Uni<Separations> separations =
                            rows.size() < 2
                                ? Uni.createFrom().item(new Separations())
                                : splits.among(workspaceId, rows.keySet());
                        return separations.chain(
                            separated ->
                                counts(workspaceId, candidates, owners, rows, ruleSet)
                                    .chain(
                                        counts ->
                                            link(
                                                event,
                                                LinkPlanner.plan(
                                                    candidates, owners, counts, ruleSet, separated),
                                                rows,
                                                rejected)));
                      });
            });
  }

  /**
   * Per-type identifier counts for the limit checks, at a cost that follows the smaller profiles:
   * the profiles that may be merged away are counted in full (they move anyway); the largest, the
   * survivor-to-be, only for the types the others or the new identifiers would add and only when
   * its size could breach that type's limit, each capped at limit + 1, which is all a breach
   * decision needs.
   */
  private Uni<Map<String, Map<String, Integer>>> counts(
      String workspaceId,
      List<Identifier> candidates,
      Map<Identifier, String> owners,
      Map<String, ProfileRow> rows,
      RuleSet ruleSet) {
    ProfileRow largest = rows.values().stream().sorted(SURVIVOR_FIRST).findFirst().orElseThrow();
    List<String> others = rows.keySet().stream().filter(id -> !id.equals(largest.id())).toList();
    Uni<Map<String, Map<String, Integer>>> full =
        others.isEmpty()
            ? Uni.createFrom().item(new HashMap<>())
            : identifiers.countByType(workspaceId, others);
    return full.chain(
        counts -> {
          Map<String, Integer> added = new HashMap<>();
          counts
              .values()
              .forEach(byType -> byType.forEach((type, n) -> added.merge(type, n, Integer::sum)));
          for (Identifier candidate : candidates) {
            if (!owners.containsKey(candidate)) {
              added.merge(candidate.type(), 1, Integer::sum);
            }
          }
          // The largest profile holds at most identifierCount identifiers of any one type: when
          // even that plus everything the event could add stays within a type's limit, no breach
          // of that type is possible and its count is not needed (absent = 0 is then harmless).
          // So the larger side is only counted near a limit, and then at most limit + 1 rows.
          Map<String, Integer> caps = new HashMap<>();
          added.forEach(
              (type, n) -> {
                if ((long) largest.identifierCount() + n > ruleSet.limit(type)) {
                  caps.put(type, ruleSet.limit(type) + 1);
                }
              });
          return identifiers
              .countByTypeCapped(workspaceId, largest.id(), caps)
              .map(
                  capped -> {
                    counts.put(largest.id(), capped);
                    return counts;
                  });
        });
  }

  /** The event's candidates plus the reading of an alias previousId that the graph knows. */
  private static List<Identifier> candidates(
      Extraction extraction, Map<Identifier, String> owners, RuleSet ruleSet) {
    List<Identifier> candidates = new ArrayList<>(extraction.candidates());
    if (extraction.aliasPrevious() != null) {
      Identifier asUser = new Identifier(Identifier.USER_ID, extraction.aliasPrevious());
      Identifier asAnonymous = new Identifier(Identifier.ANONYMOUS_ID, extraction.aliasPrevious());
      Identifier chosen = owners.containsKey(asUser) ? asUser : asAnonymous;
      if (!candidates.contains(chosen)) {
        candidates.add(chosen);
      }
    }
    candidates.sort(ruleSet.resolutionOrder());
    return candidates;
  }

  private Uni<Resolution> create(
      String workspaceId, String eventKey, List<Identifier> created, List<Rejected> rejected) {
    String profileId = UUID.randomUUID().toString();
    return profiles
        .insertActive(workspaceId, profileId, created.size())
        .chain(() -> identifiers.insertAll(workspaceId, profileId, created, eventKey))
        .chain(
            () ->
                finish(
                    workspaceId,
                    eventKey,
                    profileId,
                    Resolution.Outcome.CREATED,
                    List.of(),
                    rejected));
  }

  private Uni<Resolution> link(
      EventEnvelope event, LinkPlan plan, Map<String, ProfileRow> rows, List<Rejected> rejected) {
    String workspaceId = event.workspaceId();
    String eventKey = event.eventKey();
    rejected.addAll(plan.rejected());
    if (plan.profiles().isEmpty()) {
      // The highest-priority identifier is new and every known one was rejected by a limit.
      return create(workspaceId, eventKey, plan.created(), rejected);
    }
    List<ProfileRow> joined =
        plan.profiles().stream().map(rows::get).sorted(SURVIVOR_FIRST).toList();
    ProfileRow survivor = joined.get(0);
    // identifier_count is maintained exactly under the profile locks (counts may be capped).
    int total = plan.created().size();
    for (ProfileRow row : joined) {
      total += row.identifierCount();
    }
    int identifierCount = total;
    if (joined.size() == 1 && plan.created().isEmpty()) {
      // Limits dropped every identifier that would have changed the graph.
      return finish(
          workspaceId, eventKey, survivor.id(), Resolution.Outcome.KNOWN, List.of(), rejected);
    }
    String reason = event.type() == null ? "event" : event.type().wireName();
    List<ProfileRow> mergedAway = joined.subList(1, joined.size());
    return Multi.createFrom()
        .iterable(mergedAway)
        .onItem()
        .transformToUniAndConcatenate(
            merged -> merge(workspaceId, survivor.id(), merged.id(), reason, eventKey))
        .collect()
        .asList()
        .chain(
            changes ->
                identifiers
                    .insertAll(workspaceId, survivor.id(), plan.created(), eventKey)
                    .chain(() -> profiles.setCount(workspaceId, survivor.id(), identifierCount))
                    .chain(
                        () ->
                            finish(
                                workspaceId,
                                eventKey,
                                survivor.id(),
                                changes.isEmpty()
                                    ? Resolution.Outcome.EXTENDED
                                    : Resolution.Outcome.MERGED,
                                changes,
                                rejected)));
  }

  /** Survivor: the profile with most identifiers, then the oldest, then the smallest id. */
  static final Comparator<ProfileRow> SURVIVOR_FIRST =
      Comparator.comparingInt(ProfileRow::identifierCount)
          .reversed()
          .thenComparingLong(ProfileRow::createdMicros)
          .thenComparing(ProfileRow::id);

  private Uni<IdentityChange> merge(
      String workspaceId, String survivorId, String mergedId, String reason, String eventKey) {
    String mergeId = UUID.randomUUID().toString();
    Instant now = Instant.now();
    return identifiers
        .listOf(workspaceId, mergedId)
        .chain(
            moved ->
                identifiers
                    .moveAllForMerge(workspaceId, mergedId, survivorId, mergeId)
                    .chain(() -> profiles.markMerged(workspaceId, mergedId, survivorId))
                    .chain(
                        () -> {
                          MergeEntity merge = new MergeEntity();
                          merge.id = mergeId;
                          merge.workspaceId = workspaceId;
                          merge.survivorProfileId = survivorId;
                          merge.mergedProfileId = mergedId;
                          merge.reason = reason;
                          merge.causingEventKey = eventKey;
                          merge.occurredAt = now;
                          return merges.persist(merge);
                        })
                    .map(
                        ignored ->
                            new IdentityChange(
                                mergeId,
                                workspaceId,
                                IdentityChange.Kind.MERGED,
                                survivorId,
                                mergedId,
                                moved,
                                reason,
                                eventKey,
                                now)));
  }

  private Uni<Resolution> finish(
      String workspaceId,
      String eventKey,
      String profileId,
      Resolution.Outcome outcome,
      List<IdentityChange> changes,
      List<Rejected> rejected) {
    Uni<Void> recordRejections = Uni.createFrom().voidItem();
    if (!rejected.isEmpty()) {
      Instant now = Instant.now();
      List<RejectionEntity> rows = new ArrayList<>();
      for (Rejected decision : rejected) {
        RejectionEntity row = new RejectionEntity();
        row.workspaceId = workspaceId;
        row.eventKey = eventKey;
        row.type = decision.identifier().type();
        row.value = truncate(decision.identifier().value(), 512);
        row.rule = decision.rule();
        row.detail = truncate(decision.detail(), 400);
        row.profileId = decision.profileId();
        row.occurredAt = now;
        rows.add(row);
      }
      recordRejections = rejections.persist(rows);
    }
    return recordRejections
        .chain(() -> processed.record(workspaceId, eventKey, profileId))
        .invoke(() -> rejected.forEach(metrics::rejected))
        .replaceWith(new Resolution(profileId, outcome, changes, rejected.size()));
  }

  /** Already processed: the current profile and the changes the event caused, nothing written. */
  private Uni<Resolution> replay(String workspaceId, String eventKey, String storedProfileId) {
    return profiles
        .activeRoot(workspaceId, storedProfileId)
        .chain(
            profileId ->
                merges
                    .causedBy(workspaceId, eventKey)
                    .chain(
                        rows ->
                            Multi.createFrom()
                                .iterable(rows)
                                // An undone merge is not announced again: UNMERGED superseded it.
                                .select()
                                .where(merge -> merge.undoneAt == null)
                                .onItem()
                                .transformToUniAndConcatenate(
                                    merge ->
                                        mergeIdentifiers
                                            .movedBy(workspaceId, merge.id)
                                            .map(
                                                moved ->
                                                    new IdentityChange(
                                                        merge.id,
                                                        workspaceId,
                                                        IdentityChange.Kind.MERGED,
                                                        merge.survivorProfileId,
                                                        merge.mergedProfileId,
                                                        moved,
                                                        merge.reason,
                                                        eventKey,
                                                        merge.occurredAt)))
                                .collect()
                                .asList())
                    .map(
                        changes ->
                            new Resolution(profileId, Resolution.Outcome.REPLAYED, changes, 0)));
  }

  private static String truncate(String value, int max) {
    return value.length() <= max ? value : value.substring(0, max);
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
