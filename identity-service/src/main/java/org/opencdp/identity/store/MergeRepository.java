package org.opencdp.identity.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Merge history. */
@ApplicationScoped
public class MergeRepository implements PanacheRepositoryBase<MergeEntity, String> {

  public Uni<MergeEntity> findInWorkspace(String workspaceId, String mergeId) {
    return find("workspaceId = ?1 and id = ?2", workspaceId, mergeId).firstResult();
  }

  /** Merges in which the profile took part, as survivor or as merged, newest first. */
  public Uni<List<MergeEntity>> involving(String workspaceId, String profileId, int limit) {
    return find(
            "workspaceId = ?1 and (survivorProfileId = ?2 or mergedProfileId = ?2)",
            Sort.descending("occurredAt").and("id"),
            workspaceId,
            profileId)
        .page(0, limit)
        .list();
  }

  public Uni<List<MergeEntity>> causedBy(String workspaceId, String eventKey) {
    return find(
            "workspaceId = ?1 and causingEventKey = ?2",
            Sort.ascending("occurredAt").and("id"),
            workspaceId,
            eventKey)
        .list();
  }
}
