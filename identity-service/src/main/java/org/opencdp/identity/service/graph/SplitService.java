package org.opencdp.identity.service.graph;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.identity.store.AuditRepository;
import org.opencdp.identity.store.SplitEntity;
import org.opencdp.identity.store.SplitRepository;
import org.opencdp.security.problem.ProblemException;

/**
 * Operators' split decisions: recorded with every detach and undo so that resolution respects them,
 * listed for review, and lifted (audited) when the operator changes their mind.
 */
@ApplicationScoped
public class SplitService {
  private static final int MAX_VALUE = 512;

  private final SplitRepository splits;
  private final AuditRepository audit;

  public SplitService(SplitRepository splits, AuditRepository audit) {
    this.splits = splits;
    this.audit = audit;
  }

  /**
   * Records, in the caller's transaction (which holds the row locks of both profiles), that the two
   * profiles of a detach or an undone merge must not be joined again.
   */
  Uni<SplitEntity> record(
      String workspaceId,
      IdentityChange change,
      String cause,
      Identifier detached,
      String mergeId,
      String reason,
      String actor) {
    SplitEntity split = new SplitEntity();
    split.id = UUID.randomUUID().toString();
    split.workspaceId = workspaceId;
    split.profileA = change.survivorProfileId();
    split.profileB = change.mergedProfileId();
    split.originProfileA = split.profileA;
    split.originProfileB = split.profileB;
    split.cause = cause;
    if (detached != null) {
      split.identifierType = detached.type();
      split.identifierValue = truncate(detached.value(), MAX_VALUE);
    }
    split.mergeId = mergeId;
    split.changeId = change.changeId();
    split.reason = reason == null ? null : truncate(reason, 500);
    split.actor = actor;
    split.createdAt = change.occurredAt() == null ? Instant.now() : change.occurredAt();
    return splits.persist(split);
  }

  public Uni<List<SplitEntity>> latest(String workspaceId, int limit) {
    return Panache.withSession(() -> splits.latest(workspaceId, limit));
  }

  /**
   * Lifts a split: resolution may join the two profiles again (from the next event on; nothing is
   * re-linked now). Lifting only relaxes the rules, so it needs no graph locks: a resolution that
   * read the split just before still keeps the profiles apart, which was right at that moment.
   */
  public Uni<SplitEntity> lift(String workspaceId, String splitId, String reason, String actor) {
    return Panache.withTransaction(
        () ->
            splits
                .findInWorkspace(workspaceId, splitId)
                .chain(
                    split -> {
                      if (split == null) {
                        throw ProblemException.notFound("no split " + splitId);
                      }
                      if (split.liftedAt != null) {
                        throw ProblemException.conflict("split " + splitId + " was already lifted");
                      }
                      split.liftedAt = Instant.now();
                      split.liftedBy = actor;
                      split.liftReason = reason == null ? null : truncate(reason, 500);
                      return audit
                          .record(
                              workspaceId,
                              "LIFT_SPLIT",
                              actor,
                              "split " + splitId,
                              reason,
                              split.changeId)
                          .replaceWith(split);
                    }));
  }

  private static String truncate(String value, int max) {
    return value.length() <= max ? value : value.substring(0, max);
  }
}
