package org.opencdp.activation.campaign;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Campaigns, always filtered by workspace. */
@ApplicationScoped
public class CampaignRepository implements PanacheRepositoryBase<CampaignEntity, String> {

  public Uni<List<CampaignEntity>> ofWorkspace(String workspaceId) {
    return find("workspaceId", Sort.ascending("createdAt", "id"), workspaceId).list();
  }

  public Uni<List<CampaignEntity>> activeOf(String workspaceId) {
    return find("workspaceId = ?1 and active = true", workspaceId).list();
  }

  public Uni<CampaignEntity> byId(String workspaceId, String id) {
    return find("workspaceId = ?1 and id = ?2", workspaceId, id).firstResult();
  }
}
