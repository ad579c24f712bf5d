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
   * Inserts history rows in the caller's transaction; Hibernate sends them in JDBC-style batches
   * ({@code quarkus.hibernate-orm.jdbc.statement-batch-size}). A multi-row native INSERT was tried
   * and was slower (Hibernate's binding of thousands of positional parameters).
   */
  public Uni<Void> insertAll(List<MembershipChangeEntity> rows) {
    return persist(rows);
  }

  /**
   * Erases the history of profiles (privacy delete), unpublished outbox rows included: a change not
   * yet sent is not sent any more.
   */
  public Uni<Long> deleteForProfiles(String workspaceId, List<String> profileIds) {
    return delete("workspaceId = ?1 and profileId in ?2", workspaceId, profileIds);
  }

  public Uni<Integer> markPublished(List<String> changeIds) {
    return update("published = true where changeId in ?1", changeIds);
  }
}
