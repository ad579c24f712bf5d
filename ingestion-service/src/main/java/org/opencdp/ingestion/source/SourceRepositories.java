package org.opencdp.ingestion.source;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Panache repositories of the source registry; every query names the workspace. */
final class SourceRepositories {
  private SourceRepositories() {}

  @ApplicationScoped
  static class Workspaces implements PanacheRepositoryBase<Workspace, String> {}

  @ApplicationScoped
  static class Sources implements PanacheRepositoryBase<Source, Source.Key> {
    Uni<List<Source>> listByWorkspace(String workspaceId) {
      return list("workspaceId = ?1 order by id", workspaceId);
    }

    Uni<Source> find(String workspaceId, String sourceId) {
      return findById(new Source.Key(workspaceId, sourceId));
    }
  }

  @ApplicationScoped
  static class WriteKeys implements PanacheRepositoryBase<WriteKey, String> {
    Uni<List<WriteKey>> listBySource(String workspaceId, String sourceId) {
      return list("workspaceId = ?1 and sourceId = ?2 order by createdAt", workspaceId, sourceId);
    }

    Uni<Long> deleteBySource(String workspaceId, String sourceId) {
      return delete("workspaceId = ?1 and sourceId = ?2", workspaceId, sourceId);
    }
  }

  @ApplicationScoped
  static class ApiTokens implements PanacheRepositoryBase<ApiToken, String> {}
}
