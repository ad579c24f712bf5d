package org.opencdp.identity.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import org.opencdp.identity.service.resolution.Separations;

/** Operators' split decisions. Every query filters on the workspace. */
@ApplicationScoped
public class SplitRepository implements PanacheRepositoryBase<SplitEntity, String> {

  public Uni<SplitEntity> findInWorkspace(String workspaceId, String splitId) {
    return find("workspaceId = ?1 and id = ?2", workspaceId, splitId).firstResult();
  }

  public Uni<List<SplitEntity>> latest(String workspaceId, int limit) {
    return find("workspaceId", Sort.descending("createdAt").and("id"), workspaceId)
        .page(0, limit)
        .list();
  }

  /**
   * The splits in force between any two of the given (active, locked) profiles. Called with the
   * profiles an event would join; both sides must be among them, so the lookup is bounded by the
   * splits of those profiles (indexed), not by the graph.
   */
  public Uni<Separations> among(String workspaceId, Collection<String> profileIds) {
    return getSession()
        .chain(
            session ->
                session
                    .<Object[]>createNativeQuery(
                        "SELECT id, profile_a, profile_b FROM identity_split"
                            + " WHERE workspace_id = :ws AND lifted_at IS NULL"
                            + " AND profile_a IN (:ids) AND profile_b IN (:ids)")
                    .setParameter("ws", workspaceId)
                    .setParameter("ids", List.copyOf(profileIds))
                    .getResultList())
        .map(
            rows -> {
              Separations separations = new Separations();
              for (Object[] row : rows) {
                separations.add((String) row[1], (String) row[2], (String) row[0]);
              }
              return separations;
            });
  }
}
