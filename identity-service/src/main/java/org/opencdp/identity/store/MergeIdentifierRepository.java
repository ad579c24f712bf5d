package org.opencdp.identity.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.opencdp.contracts.Identifier;

/** Provenance of merges: which identifiers moved. */
@ApplicationScoped
public class MergeIdentifierRepository
    implements PanacheRepositoryBase<MergeIdentifierEntity, Long> {

  public Uni<List<Identifier>> movedBy(String workspaceId, String mergeId) {
    return find(
            "workspaceId = ?1 and mergeId = ?2",
            Sort.ascending("type").and("value"),
            workspaceId,
            mergeId)
        .list()
        .map(rows -> rows.stream().map(row -> new Identifier(row.type, row.value)).toList());
  }
}
