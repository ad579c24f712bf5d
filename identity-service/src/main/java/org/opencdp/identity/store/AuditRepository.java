package org.opencdp.identity.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/** Audit trail of API changes to the graph and rules. */
@ApplicationScoped
public class AuditRepository implements PanacheRepositoryBase<AuditEntity, Long> {

  public Uni<List<AuditEntity>> latest(String workspaceId, int limit) {
    return find(
            "workspaceId",
            Sort.descending("occurredAt").and("id", Sort.Direction.Descending),
            workspaceId)
        .page(0, limit)
        .list();
  }

  /** Appends an entry in the caller's transaction. */
  public Uni<Void> record(
      String workspaceId,
      String action,
      String actor,
      String target,
      String reason,
      String changeId) {
    AuditEntity entry = new AuditEntity();
    entry.workspaceId = workspaceId;
    entry.action = action;
    entry.actor = actor;
    entry.target = target;
    entry.reason = reason == null ? null : reason.substring(0, Math.min(reason.length(), 500));
    entry.changeId = changeId;
    entry.occurredAt = Instant.now();
    return persist(entry).replaceWithVoid();
  }
}
