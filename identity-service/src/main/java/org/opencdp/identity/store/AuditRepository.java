package org.opencdp.identity.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
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
}
