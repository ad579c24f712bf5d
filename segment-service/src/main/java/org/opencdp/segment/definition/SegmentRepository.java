package org.opencdp.segment.definition;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class SegmentRepository implements PanacheRepositoryBase<SegmentEntity, String> {
  public Uni<List<SegmentEntity>> ofWorkspace(String workspaceId) {
    return list("workspaceId = ?1 order by segmentId", workspaceId);
  }

  public Uni<SegmentEntity> find(String workspaceId, String segmentId) {
    return findById(SegmentEntity.key(workspaceId, segmentId));
  }
}
