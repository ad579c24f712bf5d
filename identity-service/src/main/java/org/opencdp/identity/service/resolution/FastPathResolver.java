package org.opencdp.identity.service.resolution;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.Identifier;
import org.opencdp.identity.config.IdentityConfig;
import org.opencdp.identity.service.IdentityMetrics;
import org.opencdp.identity.service.privacy.ErasedIdentifiers;
import org.opencdp.identity.store.BatchStore;
import org.opencdp.identity.store.BatchStore.Key;

/**
 * Resolves the common events of a whole batch in one transaction of a few set-based statements:
 * known visitors (every identifier known, all on one profile) and new visitors (no identifier
 * known). Everything else — merges, new identifiers on a known profile, rule rejections, alias
 * calls, replays — is left to {@link IdentityResolver}, one transaction per event.
 *
 * <p>Events are given in groups that must stay ordered (same Kafka key); only a leading run of each
 * group is resolved here, so an event never overtakes an earlier one of its group.
 *
 * <h2>Why this keeps the resolver's guarantees</h2>
 *
 * <ul>
 *   <li>Known visitor: it changes nothing in the graph, so it needs no lock: the owners and the
 *       processed-events records are read in one statement (one snapshot). A merge committing
 *       concurrently is ordered after the event, exactly as in the per-event path, which does not
 *       lock profiles for known visitors either.
 *   <li>New visitor: the identifiers are locked with the same advisory locks, in the same global
 *       order, as every other writer; then read again under the locks. An event whose identifiers
 *       appeared (or that was processed) in between is handed back to the per-event path. Two
 *       events of one batch that share a new identifier: the second is handed back too.
 *   <li>Idempotency: events already processed are handed back (replay path); the records of this
 *       batch are inserted with ON CONFLICT DO NOTHING in key order.
 *   <li>Erased identifiers: the same first statement reads the erasure records of the batch's
 *       identifiers (by keyed hash). An event naming an identifier erased at or after its receive
 *       time is handed back: the per-event path leaves that identifier out (rare, so the fast path
 *       only pays the hashes and one more join).
 * </ul>
 */
@ApplicationScoped
public class FastPathResolver {
  private final IdentifierExtractor extractor;
  private final RuleService rules;
  private final BatchStore store;
  private final ErasedIdentifiers erased;
  private final IdentityMetrics metrics;
  private final int maxAttempts;

  public FastPathResolver(
      IdentifierExtractor extractor,
      RuleService rules,
      BatchStore store,
      ErasedIdentifiers erased,
      IdentityMetrics metrics,
      IdentityConfig config) {
    this.extractor = extractor;
    this.rules = rules;
    this.store = store;
    this.erased = erased;
    this.metrics = metrics;
    this.maxAttempts = config.maxAttempts();
  }

  /**
   * Resolves the leading events of each group that are known or new visitors.
   *
   * @return per group, the resolutions of its first events (possibly none), in order
   */
  public Uni<List<List<Resolution>>> resolveLeading(List<List<EventEnvelope>> groups) {
    long start = System.nanoTime();
    return rulesOf(groups)
        .chain(
            ruleSets ->
                Uni.createFrom()
                    .deferred(() -> store.inTransaction(tx -> resolve(tx, groups, ruleSets)))
                    .onFailure(Transactions::isRetryable)
                    .invoke(metrics::retried)
                    .onFailure(Transactions::isRetryable)
                    .retry()
                    .withBackOff(Duration.ofMillis(2), Duration.ofMillis(200))
                    .withJitter(0.5)
                    .atMost(maxAttempts))
        .invoke(
            resolved -> {
              long nanos = System.nanoTime() - start;
              resolved.forEach(group -> group.forEach(r -> metrics.resolved(r, nanos)));
            });
  }

  /** The rule sets of the batch's workspaces (from the cache; a miss reads PostgreSQL). */
  private Uni<Map<String, RuleSet>> rulesOf(List<List<EventEnvelope>> groups) {
    Set<String> workspaces = new LinkedHashSet<>();
    groups.forEach(
        group ->
            group.forEach(
                event -> {
                  if (!isBlank(event.workspaceId())) {
                    workspaces.add(event.workspaceId());
                  }
                }));
    Map<String, RuleSet> found = new HashMap<>();
    List<String> missing = new ArrayList<>();
    for (String workspace : workspaces) {
      RuleSet cached = rules.cached(workspace);
      if (cached == null) {
        missing.add(workspace);
      } else {
        found.put(workspace, cached);
      }
    }
    if (missing.isEmpty()) {
      return Uni.createFrom().item(found);
    }
    return Panache.withSession(
        () ->
            Multi.createFrom()
                .iterable(missing)
                .onItem()
                .transformToUniAndConcatenate(
                    workspace ->
                        rules.rulesOf(workspace).invoke(ruleSet -> found.put(workspace, ruleSet)))
                .collect()
                .last()
                .replaceWith(found));
  }

  /** One candidate event of the fast path; {@code hashes} are the identifiers' erasure hashes. */
  private record Candidate(
      EventEnvelope event, List<Identifier> identifiers, List<String> hashes, RuleSet rules) {
    Key key(Identifier identifier) {
      return new Key(event.workspaceId(), identifier);
    }
  }

  private Uni<List<List<Resolution>>> resolve(
      SqlConnection tx, List<List<EventEnvelope>> groups, Map<String, RuleSet> ruleSets) {
    List<List<Candidate>> candidates = extractLeading(groups, ruleSets);
    Set<Key> identifiers = new HashSet<>();
    Map<String, String> eventWorkspaces = new HashMap<>();
    Map<String, String> hashWorkspaces = new HashMap<>();
    for (List<Candidate> group : candidates) {
      for (Candidate candidate : group) {
        candidate.identifiers().forEach(id -> identifiers.add(candidate.key(id)));
        eventWorkspaces.put(candidate.event().eventKey(), candidate.event().workspaceId());
        candidate
            .hashes()
            .forEach(hash -> hashWorkspaces.put(hash, candidate.event().workspaceId()));
      }
    }
    if (identifiers.isEmpty()) {
      return Uni.createFrom().item(emptyResults(groups.size()));
    }
    return store
        .read(tx, identifiers, eventWorkspaces, hashWorkspaces)
        .chain(read -> plan(tx, candidates, read));
  }

  /** Per group, the leading events the fast path may take: readable, nothing rejected, no alias. */
  private List<List<Candidate>> extractLeading(
      List<List<EventEnvelope>> groups, Map<String, RuleSet> ruleSets) {
    List<List<Candidate>> result = new ArrayList<>(groups.size());
    for (int g = 0; g < groups.size(); g++) {
      List<Candidate> leading = new ArrayList<>();
      for (EventEnvelope event : groups.get(g)) {
        if (isBlank(event.workspaceId()) || isBlank(event.messageId())) {
          break;
        }
        RuleSet ruleSet = ruleSets.get(event.workspaceId());
        Extraction extraction = extractor.extract(event, ruleSet);
        if (!extraction.rejected().isEmpty()
            || extraction.aliasPrevious() != null
            || extraction.candidates().isEmpty()) {
          break;
        }
        List<Identifier> ordered = new ArrayList<>(extraction.candidates());
        ordered.sort(ruleSet.resolutionOrder());
        List<String> hashes = new ArrayList<>(ordered.size());
        ordered.forEach(id -> hashes.add(erased.hash(event.workspaceId(), id)));
        leading.add(new Candidate(event, ordered, hashes, ruleSet));
      }
      result.add(leading);
    }
    return result;
  }

  /** A decision of the fast path for one event. */
  private record Decision(Candidate candidate, String profileId, List<Identifier> created) {}

  private Uni<List<List<Resolution>>> plan(
      SqlConnection tx, List<List<Candidate>> candidates, BatchStore.Read read) {
    Set<Key> claimed = new HashSet<>();
    List<List<Decision>> decisions = new ArrayList<>(candidates.size());
    List<Key> newIdentifiers = new ArrayList<>();
    Map<String, String> newEvents = new HashMap<>();
    Map<String, String> newHashes = new HashMap<>();
    for (List<Candidate> group : candidates) {
      List<Decision> taken = new ArrayList<>();
      for (Candidate candidate : group) {
        Decision decision = decide(candidate, read, claimed);
        if (decision == null) {
          break;
        }
        taken.add(decision);
        if (!decision.created().isEmpty()) {
          decision.created().forEach(id -> newIdentifiers.add(candidate.key(id)));
          newEvents.put(candidate.event().eventKey(), candidate.event().workspaceId());
          candidate.hashes().forEach(hash -> newHashes.put(hash, candidate.event().workspaceId()));
        }
      }
      decisions.add(taken);
    }
    if (newIdentifiers.isEmpty()) {
      return write(tx, decisions);
    }
    return store
        .lock(tx, newIdentifiers)
        .chain(() -> store.read(tx, newIdentifiers, newEvents, newHashes))
        .chain(underLocks -> write(tx, handBackRaced(decisions, underLocks)));
  }

  /** Known (one profile, nothing new), new (nothing known), or null: the per-event path decides. */
  private static Decision decide(Candidate candidate, BatchStore.Read read, Set<Key> claimed) {
    if (read.processed().containsKey(candidate.event().eventKey())) {
      return null;
    }
    for (String hash : candidate.hashes()) {
      if (ErasedIdentifiers.belongsToErased(
          candidate.event().receivedAt(), read.erased().get(hash))) {
        return null;
      }
    }
    Set<String> owners = new HashSet<>();
    int known = 0;
    for (Identifier identifier : candidate.identifiers()) {
      String owner = read.owners().get(candidate.key(identifier));
      if (owner != null) {
        owners.add(owner);
        known++;
      }
    }
    if (known == candidate.identifiers().size() && owners.size() == 1) {
      return new Decision(candidate, owners.iterator().next(), List.of());
    }
    if (known > 0) {
      return null;
    }
    for (Identifier identifier : candidate.identifiers()) {
      if (claimed.contains(candidate.key(identifier))) {
        return null;
      }
    }
    LinkPlan plan =
        LinkPlanner.plan(candidate.identifiers(), Map.of(), Map.of(), candidate.rules());
    if (!plan.rejected().isEmpty()) {
      return null;
    }
    plan.created().forEach(id -> claimed.add(candidate.key(id)));
    return new Decision(candidate, UUID.randomUUID().toString(), plan.created());
  }

  /**
   * Cuts each group before its first new visitor whose identifiers, idempotency record or erasure
   * record appeared between the first read and the locks (a concurrent transaction created them).
   */
  private static List<List<Decision>> handBackRaced(
      List<List<Decision>> decisions, BatchStore.Read underLocks) {
    List<List<Decision>> result = new ArrayList<>(decisions.size());
    for (List<Decision> group : decisions) {
      int keep = group.size();
      for (int i = 0; i < group.size() && keep == group.size(); i++) {
        Decision decision = group.get(i);
        if (decision.created().isEmpty()) {
          continue;
        }
        Candidate candidate = decision.candidate();
        boolean raced =
            underLocks.processed().containsKey(candidate.event().eventKey())
                || decision.created().stream()
                    .anyMatch(id -> underLocks.owners().containsKey(candidate.key(id)))
                || candidate.hashes().stream()
                    .anyMatch(
                        hash ->
                            ErasedIdentifiers.belongsToErased(
                                candidate.event().receivedAt(), underLocks.erased().get(hash)));
        if (raced) {
          keep = i;
        }
      }
      result.add(group.subList(0, keep));
    }
    return result;
  }

  private Uni<List<List<Resolution>>> write(SqlConnection tx, List<List<Decision>> decisions) {
    List<BatchStore.NewProfile> created = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    List<String> workspaces = new ArrayList<>();
    List<String> profiles = new ArrayList<>();
    List<List<Resolution>> results = new ArrayList<>(decisions.size());
    for (List<Decision> group : decisions) {
      List<Resolution> resolved = new ArrayList<>(group.size());
      for (Decision decision : group) {
        EventEnvelope event = decision.candidate().event();
        boolean isNew = !decision.created().isEmpty();
        if (isNew) {
          created.add(
              new BatchStore.NewProfile(
                  event.workspaceId(), decision.profileId(), decision.created(), event.eventKey()));
        }
        keys.add(event.eventKey());
        workspaces.add(event.workspaceId());
        profiles.add(decision.profileId());
        resolved.add(
            new Resolution(
                decision.profileId(),
                isNew ? Resolution.Outcome.CREATED : Resolution.Outcome.KNOWN,
                List.of(),
                0));
      }
      results.add(resolved);
    }
    return store
        .create(tx, created)
        .chain(() -> store.recordProcessed(tx, keys, workspaces, profiles))
        .replaceWith(results);
  }

  private static List<List<Resolution>> emptyResults(int groups) {
    List<List<Resolution>> results = new ArrayList<>(groups);
    for (int g = 0; g < groups; g++) {
      results.add(List.of());
    }
    return results;
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
