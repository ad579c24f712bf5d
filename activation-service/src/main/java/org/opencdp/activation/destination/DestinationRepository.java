package org.opencdp.activation.destination;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Destinations, always filtered by workspace. */
@ApplicationScoped
public class DestinationRepository implements PanacheRepositoryBase<DestinationEntity, String> {

  public Uni<List<DestinationEntity>> ofWorkspace(String workspaceId) {
    return find("workspaceId", Sort.ascending("createdAt", "id"), workspaceId).list();
  }

  public Uni<DestinationEntity> byId(String workspaceId, String id) {
    return find("workspaceId = ?1 and id = ?2", workspaceId, id).firstResult();
  }
}
