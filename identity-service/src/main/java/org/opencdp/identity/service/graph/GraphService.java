package org.opencdp.identity.service.graph;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.identity.messaging.ChangePublisher;
import org.opencdp.identity.service.resolution.GraphChangedException;
import org.opencdp.identity.service.resolution.IdentifierExtractor;
import org.opencdp.identity.service.resolution.Transactions;
import org.opencdp.identity.store.AuditEntity;
import org.opencdp.identity.store.AuditRepository;
import org.opencdp.identity.store.IdentifierEntity;
import org.opencdp.identity.store.IdentifierRepository;
import org.opencdp.identity.store.MergeEntity;
import org.opencdp.identity.store.MergeIdentifierRepository;
import org.opencdp.identity.store.MergeRepository;
import org.opencdp.identity.store.ProfileRepository;
import org.opencdp.identity.store.ProfileRow;
import org.opencdp.identity.store.SplitEntity;
import org.opencdp.security.problem.ProblemException;

/**
 * Reads of the graph and the two manual corrections: detaching an identifier and undoing a merge.
 * Corrections follow the resolver's locking protocol (identifier advisory locks, then profile row
 * locks, each in one global order), record a split (so later events do not re-link what the
 * operator separated) and an audit entry in the same transaction, and publish the identity change
 * once committed.
 */
@ApplicationScoped
public class GraphService {
  private static final int MAX_ATTEMPTS = 8;

  private final IdentifierRepository identifiers;
  private final ProfileRepository profiles;
  private final MergeRepository merges;
  private final MergeIdentifierRepository mergeIdentifiers;
  private final AuditRepository audit;
  private final ChangePublisher publisher;
  private final SplitService splits;

  public GraphService(
      IdentifierRepository identifiers,
      ProfileRepository profiles,
      MergeRepository merges,
      MergeIdentifierRepository mergeIdentifiers,
      AuditRepository audit,
      ChangePublisher publisher,
      SplitService splits) {
    this.identifiers = identifiers;
    this.profiles = profiles;
    this.merges = merges;
    this.mergeIdentifiers = mergeIdentifiers;
    this.audit = audit;
    this.publisher = publisher;
    this.splits = splits;
  }

  public Uni<GraphViews.IdentifierView> lookup(String workspaceId, String type, String value) {
    String normalised = IdentifierExtractor.normalise(type, value);
    return Panache.withSession(
        () ->
            identifiers
                .find(
                    "workspaceId = ?1 and type = ?2 and value = ?3", workspaceId, type, normalised)
                .firstResult()
                .map(
                    row -> {
                      if (row == null) {
                        throw ProblemException.notFound(
                            "no identifier of type '" + type + "' with this value");
                      }
                      return view(row);
                    }));
  }

  public Uni<GraphViews.ProfileGraph> graph(String workspaceId, String profileId) {
    return Panache.withSession(
        () ->
            profiles
                .findInWorkspace(workspaceId, profileId)
                .chain(
                    profile -> {
                      if (profile == null) {
                        throw ProblemException.notFound("no profile " + profileId);
                      }
                      return profiles
                          .activeRoot(workspaceId, profileId)
                          .chain(
                              active ->
                                  identifiers
                                      .find(
                                          "workspaceId = ?1 and profileId = ?2",
                                          Sort.ascending("type", "value"),
                                          workspaceId,
                                          profileId)
                                      .list()
                                      .map(
                                          rows ->
                                              new GraphViews.ProfileGraph(
                                                  profile.id,
                                                  profile.status,
                                                  profile.mergedInto,
                                                  active,
                                                  profile.createdAt,
                                                  rows.stream().map(GraphService::view).toList())));
                    }));
  }

  public Uni<List<GraphViews.MergeView>> mergeHistory(String workspaceId, String profileId) {
    return Panache.withSession(
        () ->
            profiles
                .findInWorkspace(workspaceId, profileId)
                .chain(
                    profile -> {
                      if (profile == null) {
                        throw ProblemException.notFound("no profile " + profileId);
                      }
                      return merges.involving(workspaceId, profileId, 200);
                    })
                .chain(rows -> views(workspaceId, rows)));
  }

  public Uni<GraphViews.MergeView> merge(String workspaceId, String mergeId) {
    return Panache.withSession(
        () ->
            merges
                .findInWorkspace(workspaceId, mergeId)
                .chain(
                    merge -> {
                      if (merge == null) {
                        throw ProblemException.notFound("no merge " + mergeId);
                      }
                      return views(workspaceId, List.of(merge)).map(list -> list.get(0));
                    }));
  }

  /**
   * Moves one identifier out of its profile into a new profile of its own and publishes
   * IDENTIFIER_DETACHED (survivor = the profile it left, merged = the new profile).
   */
  public Uni<IdentityChange> detach(
      String workspaceId, String profileId, Identifier requested, String reason, String actor) {
    Identifier identifier =
        new Identifier(
            requested.type(), IdentifierExtractor.normalise(requested.type(), requested.value()));
    return retrying(
            () ->
                Panache.withTransaction(
                    () ->
                        identifiers
                            .lockInKeyOrder(workspaceId, List.of(identifier))
                            .chain(() -> identifiers.findOwners(workspaceId, List.of(identifier)))
                            .chain(
                                owners -> {
                                  String owner = owners.get(identifier);
                                  if (!profileId.equals(owner)) {
                                    throw ProblemException.notFound(
                                        "profile "
                                            + profileId
                                            + " has no identifier of type '"
                                            + identifier.type()
                                            + "' with this value");
                                  }
                                  return profiles.lockInIdOrder(workspaceId, List.of(profileId));
                                })
                            .chain(rows -> detachLocked(workspaceId, profileId, identifier, rows))
                            .call(
                                change ->
                                    splits.record(
                                        workspaceId,
                                        change,
                                        SplitEntity.DETACH,
                                        identifier,
                                        null,
                                        reason,
                                        actor))
                            .call(
                                change ->
                                    audit(
                                        workspaceId,
                                        "DETACH_IDENTIFIER",
                                        actor,
                                        "profile " + profileId + " identifier " + identifier.type(),
                                        reason,
                                        change.changeId()))))
        .call(publisher::publish);
  }

  private Uni<IdentityChange> detachLocked(
      String workspaceId, String profileId, Identifier identifier, Map<String, ProfileRow> rows) {
    ProfileRow row = rows.get(profileId);
    if (row == null || !row.active()) {
      throw new GraphChangedException("profile changed before it was locked");
    }
    return identifiers
        .countByType(workspaceId, List.of(profileId))
        .chain(
            counts -> {
              int total =
                  counts.getOrDefault(profileId, Map.of()).values().stream().mapToInt(n -> n).sum();
              if (total <= 1) {
                throw ProblemException.conflict(
                    "this is the profile's only identifier; there is nothing to detach it from");
              }
              String newProfile = UUID.randomUUID().toString();
              return profiles
                  .insertActive(workspaceId, newProfile, 1)
                  .chain(
                      () ->
                          identifiers.moveSome(
                              workspaceId, profileId, newProfile, List.of(identifier)))
                  .chain(() -> profiles.setCount(workspaceId, profileId, total - 1))
                  .map(
                      ignored ->
                          new IdentityChange(
                              UUID.randomUUID().toString(),
                              workspaceId,
                              IdentityChange.Kind.IDENTIFIER_DETACHED,
                              profileId,
                              newProfile,
                              List.of(identifier),
                              "manual detach",
                              null,
                              Instant.now()));
            });
  }

  /**
   * Undoes a merge: the identifiers it moved that are still on the survivor (or on the profile the
   * survivor was merged into since) go back to the merged profile, which becomes active again.
   * Publishes UNMERGED.
   */
  public Uni<IdentityChange> undoMerge(
      String workspaceId, String mergeId, String reason, String actor) {
    return retrying(
            () ->
                Panache.withTransaction(
                    () ->
                        merges
                            .findInWorkspace(workspaceId, mergeId)
                            .chain(
                                merge -> {
                                  if (merge == null) {
                                    throw ProblemException.notFound("no merge " + mergeId);
                                  }
                                  if (merge.undoneAt != null) {
                                    throw ProblemException.conflict(
                                        "merge " + mergeId + " was already undone");
                                  }
                                  return mergeIdentifiers
                                      .movedBy(workspaceId, mergeId)
                                      .chain(moved -> undoLocked(merge, moved));
                                })
                            .call(
                                change ->
                                    splits.record(
                                        workspaceId,
                                        change,
                                        SplitEntity.UNDO_MERGE,
                                        null,
                                        mergeId,
                                        reason,
                                        actor))
                            .call(
                                change ->
                                    audit(
                                        workspaceId,
                                        "UNDO_MERGE",
                                        actor,
                                        "merge " + mergeId,
                                        reason,
                                        change.changeId()))))
        .call(publisher::publish);
  }

  private Uni<IdentityChange> undoLocked(MergeEntity merge, List<Identifier> moved) {
    String workspaceId = merge.workspaceId;
    String restored = merge.mergedProfileId;
    Uni<Void> locked =
        moved.isEmpty()
            ? Uni.createFrom().voidItem()
            : identifiers.lockInKeyOrder(workspaceId, moved);
    return locked
        .chain(() -> profiles.activeRoot(workspaceId, merge.survivorProfileId))
        .chain(
            holder ->
                profiles
                    .lockInIdOrder(workspaceId, new TreeSet<>(List.of(holder, restored)))
                    .chain(
                        rows -> {
                          ProfileRow holderRow = rows.get(holder);
                          ProfileRow restoredRow = rows.get(restored);
                          if (holderRow == null || !holderRow.active()) {
                            throw new GraphChangedException("survivor changed before locking");
                          }
                          if (restoredRow == null || restoredRow.active()) {
                            throw ProblemException.conflict(
                                "the merged profile is active again; the merge cannot be undone");
                          }
                          return identifiers
                              .moveSome(workspaceId, holder, restored, moved)
                              .chain(
                                  moving -> {
                                    if (moving.isEmpty()) {
                                      throw ProblemException.conflict(
                                          "none of the identifiers this merge moved are still on"
                                              + " the surviving profile");
                                    }
                                    String changeId = UUID.randomUUID().toString();
                                    Instant now = Instant.now();
                                    merge.undoneAt = now;
                                    merge.undoChangeId = changeId;
                                    return profiles
                                        .reactivate(workspaceId, restored, moving.size())
                                        .chain(
                                            () ->
                                                identifiers.countByType(
                                                    workspaceId, List.of(holder)))
                                        .chain(
                                            counts ->
                                                profiles.setCount(
                                                    workspaceId,
                                                    holder,
                                                    counts
                                                        .getOrDefault(holder, Map.of())
                                                        .values()
                                                        .stream()
                                                        .mapToInt(n -> n)
                                                        .sum()))
                                        .chain(() -> merges.persist(merge))
                                        .map(
                                            ignored ->
                                                new IdentityChange(
                                                    changeId,
                                                    workspaceId,
                                                    IdentityChange.Kind.UNMERGED,
                                                    holder,
                                                    restored,
                                                    moving,
                                                    "merge " + merge.id + " undone",
                                                    merge.causingEventKey,
                                                    now));
                                  });
                        }));
  }

  public Uni<List<AuditEntity>> auditTrail(String workspaceId, int limit) {
    return Panache.withSession(() -> audit.latest(workspaceId, limit));
  }

  private Uni<Void> audit(
      String workspaceId,
      String action,
      String actor,
      String target,
      String reason,
      String changeId) {
    return audit.record(workspaceId, action, actor, target, reason, changeId);
  }

  private Uni<List<GraphViews.MergeView>> views(String workspaceId, List<MergeEntity> rows) {
    return Multi.createFrom()
        .iterable(rows)
        .onItem()
        .transformToUniAndConcatenate(
            merge ->
                mergeIdentifiers
                    .movedBy(workspaceId, merge.id)
                    .map(
                        moved ->
                            new GraphViews.MergeView(
                                merge.id,
                                merge.survivorProfileId,
                                merge.mergedProfileId,
                                merge.reason,
                                merge.causingEventKey,
                                merge.occurredAt,
                                merge.undoneAt,
                                merge.undoChangeId,
                                moved)))
        .collect()
        .asList()
        .map(ArrayList::new);
  }

  private static <T> Uni<T> retrying(java.util.function.Supplier<Uni<T>> transaction) {
    return Uni.createFrom()
        .<T>deferred(transaction::get)
        .onFailure(Transactions::isRetryable)
        .retry()
        .withBackOff(Duration.ofMillis(5), Duration.ofMillis(200))
        .withJitter(0.5)
        .atMost(MAX_ATTEMPTS);
  }

  private static GraphViews.IdentifierView view(IdentifierEntity row) {
    return new GraphViews.IdentifierView(
        row.type, row.value, row.profileId, row.originProfileId, row.eventKey, row.createdAt);
  }
}
