package org.opencdp.identity.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Rule decisions: identifiers that were not linked. */
@ApplicationScoped
public class RejectionRepository implements PanacheRepositoryBase<RejectionEntity, Long> {

  public Uni<List<RejectionEntity>> latest(String workspaceId, int limit) {
    return find(
            "workspaceId",
            Sort.descending("occurredAt").and("id", Sort.Direction.Descending),
            workspaceId)
        .page(0, limit)
        .list();
  }

  public Uni<List<RejectionEntity>> ofEvent(String workspaceId, String eventKey) {
    return find("workspaceId = ?1 and eventKey = ?2", Sort.ascending("id"), workspaceId, eventKey)
        .list();
  }
}
