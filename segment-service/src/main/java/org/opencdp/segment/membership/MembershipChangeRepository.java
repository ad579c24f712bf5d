package org.opencdp.segment.membership;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

@ApplicationScoped
public class MembershipChangeRepository
    implements PanacheRepositoryBase<MembershipChangeEntity, String> {

  public Uni<List<MembershipChangeEntity>> history(
      String workspaceId, String segmentId, String profileId, int limit) {
    StringBuilder query = new StringBuilder("workspaceId = :ws");
    Parameters params = Parameters.with("ws", workspaceId);
    if (segmentId != null) {
      query.append(" and segmentId = :segment");
      params.and("segment", segmentId);
    }
    if (profileId != null) {
      query.append(" and profileId = :profile");
      params.and("profile", profileId);
    }
    return find(
            query.toString(),
            Sort.descending("occurredAt").and("recordedAt", Sort.Direction.Descending),
            params)
        .page(0, limit)
        .list();
  }

  public Uni<List<MembershipChangeEntity>> unpublishedBefore(Instant recordedBefore, int limit) {
    return find("published = false and recordedAt < ?1", Sort.by("recordedAt"), recordedBefore)
        .page(0, limit)
        .list();
  }

  /**
   * Inserts history rows with multi-row INSERT statements (a backfill page can write thousands; one
   * statement per 500 rows instead of one per row), in the caller's transaction.
   */
  public Uni<Void> insertAll(List<MembershipChangeEntity> rows) {
    Uni<Void> chain = Uni.createFrom().voidItem();
    for (int from = 0; from < rows.size(); from += 500) {
      List<MembershipChangeEntity> part = rows.subList(from, Math.min(rows.size(), from + 500));
      chain = chain.chain(() -> insert(part));
    }
    return chain;
  }

  private Uni<Void> insert(List<MembershipChangeEntity> rows) {
    StringBuilder sql =
        new StringBuilder(
            "insert into membership_change (changeId, workspaceId, profileId, segmentId,"
                + " segmentName, segmentVersion, kind, reason, occurredAt, recordedAt, published)"
                + " values ");
    int p = 1;
    for (int i = 0; i < rows.size(); i++) {
      sql.append(i == 0 ? "(" : ",(");
      for (int c = 0; c < 11; c++) {
        sql.append(c == 0 ? "" : ",").append('?').append(p++);
      }
      sql.append(')');
    }
    return getSession()
        .chain(
            session -> {
              var query = session.createNativeQuery(sql.toString());
              int i = 1;
              for (MembershipChangeEntity r : rows) {
                query.setParameter(i++, r.changeId);
                query.setParameter(i++, r.workspaceId);
                query.setParameter(i++, r.profileId);
                query.setParameter(i++, r.segmentId);
                query.setParameter(i++, r.segmentName);
                query.setParameter(i++, r.segmentVersion);
                query.setParameter(i++, r.kind.name());
                query.setParameter(i++, r.reason);
                query.setParameter(i++, r.occurredAt);
                query.setParameter(i++, r.recordedAt);
                query.setParameter(i++, r.published);
              }
              return query.executeUpdate();
            })
        .replaceWithVoid();
  }

  public Uni<Integer> markPublished(List<String> changeIds) {
    return update("published = true where changeId in ?1", changeIds);
  }
}
