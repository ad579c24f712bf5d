package org.opencdp.segment.job;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class JobRepository implements PanacheRepositoryBase<JobEntity, String> {
  public Uni<List<JobEntity>> ofWorkspace(String workspaceId, int limit) {
    return find("workspaceId", Sort.descending("createdAt"), workspaceId).page(0, limit).list();
  }

  public Uni<List<JobEntity>> unfinished() {
    return list("status in ?1", List.of(JobEntity.Status.QUEUED, JobEntity.Status.RUNNING));
  }
}
