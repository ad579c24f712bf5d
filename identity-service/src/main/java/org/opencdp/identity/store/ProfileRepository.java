package org.opencdp.identity.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Profiles of the graph. Every query filters on the workspace. */
@ApplicationScoped
public class ProfileRepository implements PanacheRepositoryBase<ProfileEntity, String> {

  public Uni<ProfileEntity> findInWorkspace(String workspaceId, String profileId) {
    return find("workspaceId = ?1 and id = ?2", workspaceId, profileId).firstResult();
  }

  public Uni<Void> insertActive(String workspaceId, String profileId, int identifierCount) {
    return getSession()
        .chain(
            session ->
                session
                    .createNativeQuery(
                        "INSERT INTO identity_profile (id, workspace_id, status, merged_into,"
                            + " identifier_count, created_at, updated_at)"
                            + " VALUES (:id, :ws, 'ACTIVE', NULL, :count, clock_timestamp(),"
                            + " clock_timestamp())")
                    .setParameter("id", profileId)
                    .setParameter("ws", workspaceId)
                    .setParameter("count", identifierCount)
                    .executeUpdate())
        .replaceWithVoid();
  }

  /**
   * Locks the given profiles ({@code FOR UPDATE}) in id order, the one global order every writer
   * follows, so that two transactions can never wait on each other in a cycle.
   */
  public Uni<Map<String, ProfileRow>> lockInIdOrder(
      String workspaceId, Collection<String> profileIds) {
    return getSession()
        .chain(
            session ->
                session
                    .<Object[]>createNativeQuery(
                        "SELECT id, status, identifier_count,"
                            + " (extract(epoch from created_at) * 1000000)::bigint"
                            + " FROM identity_profile WHERE workspace_id = :ws AND id IN (:ids)"
                            + " ORDER BY id FOR UPDATE")
                    .setParameter("ws", workspaceId)
                    .setParameter("ids", List.copyOf(profileIds))
                    .getResultList())
        .map(
            rows -> {
              Map<String, ProfileRow> result = new LinkedHashMap<>();
              for (Object[] row : rows) {
                String id = (String) row[0];
                result.put(
                    id,
                    new ProfileRow(
                        id,
                        (String) row[1],
                        ((Number) row[2]).intValue(),
                        ((Number) row[3]).longValue()));
              }
              return result;
            });
  }

  /**
   * Marks a profile merged into the survivor and hands its operator splits over to the survivor
   * (one statement): a person split from the merged profile stays split from the one it joined.
   * Runs under the row locks of both profiles, like every change of a split's sides.
   */
  public Uni<Void> markMerged(String workspaceId, String profileId, String survivorId) {
    return execute(
        "WITH carried AS (UPDATE identity_split"
            + " SET profile_a = CASE WHEN profile_a = :id THEN :into ELSE profile_a END,"
            + " profile_b = CASE WHEN profile_b = :id THEN :into ELSE profile_b END"
            + " WHERE workspace_id = :ws AND lifted_at IS NULL"
            + " AND (profile_a = :id OR profile_b = :id) RETURNING id)"
            + " UPDATE identity_profile SET status = 'MERGED', merged_into = :into,"
            + " identifier_count = 0, updated_at = clock_timestamp()"
            + " WHERE workspace_id = :ws AND id = :id",
        Map.of("ws", workspaceId, "id", profileId, "into", survivorId));
  }

  public Uni<Void> reactivate(String workspaceId, String profileId, int identifierCount) {
    return execute(
        "UPDATE identity_profile SET status = 'ACTIVE', merged_into = NULL, identifier_count ="
            + " :count, updated_at = clock_timestamp() WHERE workspace_id = :ws AND id = :id",
        Map.of("ws", workspaceId, "id", profileId, "count", identifierCount));
  }

  public Uni<Void> setCount(String workspaceId, String profileId, int identifierCount) {
    return execute(
        "UPDATE identity_profile SET identifier_count = :count, updated_at = clock_timestamp()"
            + " WHERE workspace_id = :ws AND id = :id",
        Map.of("ws", workspaceId, "id", profileId, "count", identifierCount));
  }

  /** Follows {@code merged_into} to the profile that is active now (the id itself if active). */
  public Uni<String> activeRoot(String workspaceId, String profileId) {
    return activeRoot(workspaceId, profileId, 0);
  }

  private Uni<String> activeRoot(String workspaceId, String profileId, int depth) {
    if (depth > 64) {
      return Uni.createFrom().item(profileId);
    }
    return findInWorkspace(workspaceId, profileId)
        .chain(
            profile -> {
              if (profile == null || profile.mergedInto == null) {
                return Uni.createFrom().item(profileId);
              }
              return activeRoot(workspaceId, profile.mergedInto, depth + 1);
            });
  }

  private Uni<Void> execute(String sql, Map<String, Object> parameters) {
    return getSession()
        .chain(
            session -> {
              var query = session.createNativeQuery(sql);
              parameters.forEach(query::setParameter);
              return query.executeUpdate();
            })
        .replaceWithVoid();
  }
}
