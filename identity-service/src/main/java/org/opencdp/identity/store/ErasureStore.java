package org.opencdp.identity.store;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.opencdp.contracts.Identifier;

/**
 * The statements of a privacy erasure: which profiles make up one person (the canonical profile and
 * every profile merged into it) and deleting every row that names them or holds their identifier
 * values. Runs in the caller's transaction, under the caller's graph locks; every statement filters
 * on the workspace.
 */
@ApplicationScoped
public class ErasureStore {

  /**
   * The profile and every profile merged into it, directly or through others (merge tombstones
   * point to their survivor); empty if the workspace has no such profile. An undone merge cleared
   * {@code merged_into}, so a profile restored by an operator is a person of its own and not here.
   */
  public Uni<List<String>> family(String workspaceId, String rootProfileId) {
    return Panache.getSession()
        .chain(
            session ->
                session
                    .<String>createNativeQuery(
                        "WITH RECURSIVE family(id) AS ("
                            + " SELECT id FROM identity_profile WHERE workspace_id = :ws AND id ="
                            + " :root UNION SELECT p.id FROM identity_profile p JOIN family f ON"
                            + " p.merged_into = f.id WHERE p.workspace_id = :ws)"
                            + " SELECT id FROM family ORDER BY id",
                        String.class)
                    .setParameter("ws", workspaceId)
                    .setParameter("root", rootProfileId)
                    .getResultList());
  }

  /** The identifiers on the given profiles. */
  public Uni<List<Identifier>> identifiersOf(String workspaceId, List<String> profileIds) {
    return Panache.getSession()
        .chain(
            session ->
                session
                    .<Object[]>createNativeQuery(
                        "SELECT type, value FROM identity_identifier"
                            + " WHERE workspace_id = :ws AND profile_id IN (:ids)"
                            + " ORDER BY type, value")
                    .setParameter("ws", workspaceId)
                    .setParameter("ids", profileIds)
                    .getResultList())
        .map(
            rows -> {
              List<Identifier> result = new ArrayList<>(rows.size());
              for (Object[] row : rows) {
                result.add(new Identifier((String) row[0], (String) row[1]));
              }
              return result;
            });
  }

  /**
   * Deletes everything of the person: rule decisions about their identifiers or events, the audit
   * entries of operator corrections that named their profiles, merges (with the identifiers each
   * moved) and splits they took part in, their identifiers and profiles. An identifier an operator
   * moved from them to another person stays with that person but forgets where it came from.
   * Processed-event records are kept: they hold a message id and a random profile id, no personal
   * data, and make a redelivered event of the person a replay instead of a new profile.
   */
  public Uni<Void> erase(String workspaceId, List<String> profileIds, List<Identifier> values) {
    Map<String, Object> parameters = new HashMap<>();
    parameters.put("ws", workspaceId);
    parameters.put("ids", profileIds);
    String merges =
        " FROM identity_merge m WHERE m.workspace_id = :ws"
            + " AND (m.survivor_profile_id IN (:ids) OR m.merged_profile_id IN (:ids))";
    String splits =
        " FROM identity_split s WHERE s.workspace_id = :ws AND (s.profile_a IN (:ids)"
            + " OR s.profile_b IN (:ids) OR s.origin_profile_a IN (:ids)"
            + " OR s.origin_profile_b IN (:ids))";
    return execute(
            "DELETE FROM identity_rejection r WHERE r.workspace_id = :ws AND (r.profile_id IN"
                + " (:ids)"
                + valuesClause(values, parameters)
                + " OR EXISTS (SELECT 1 FROM identity_processed_event p"
                + " WHERE p.event_key = r.event_key AND p.profile_id IN (:ids)))",
            parameters)
        .chain(
            () ->
                execute(
                    "DELETE FROM identity_audit a WHERE a.workspace_id = :ws AND ("
                        + " (split_part(a.target, ' ', 1) = 'profile'"
                        + " AND split_part(a.target, ' ', 2) IN (:ids))"
                        + " OR a.target IN (SELECT 'merge ' || m.id"
                        + merges
                        + ")"
                        + " OR a.target IN (SELECT 'split ' || s.id"
                        + splits
                        + ") OR a.change_id IN (SELECT s.change_id"
                        + splits
                        + "))",
                    parameters))
        .chain(
            () ->
                execute(
                    "DELETE FROM identity_merge_identifier WHERE workspace_id = :ws"
                        + " AND merge_id IN (SELECT m.id"
                        + merges
                        + ")",
                    parameters))
        .chain(() -> execute("DELETE" + merges, parameters))
        .chain(() -> execute("DELETE" + splits, parameters))
        .chain(
            () ->
                execute(
                    "UPDATE identity_identifier SET origin_profile_id = profile_id"
                        + " WHERE workspace_id = :ws AND origin_profile_id IN (:ids)"
                        + " AND profile_id NOT IN (:ids)",
                    parameters))
        .chain(
            () ->
                execute(
                    "DELETE FROM identity_identifier WHERE workspace_id = :ws"
                        + " AND profile_id IN (:ids)",
                    parameters))
        .chain(
            () ->
                execute(
                    "DELETE FROM identity_profile WHERE workspace_id = :ws AND id IN (:ids)",
                    parameters));
  }

  /** {@code OR (type, value) IN ((:t0, :v0), ...)} for the erased values, or nothing. */
  private static String valuesClause(List<Identifier> values, Map<String, Object> parameters) {
    if (values.isEmpty()) {
      return "";
    }
    StringBuilder clause = new StringBuilder(" OR (r.type, r.value) IN (");
    for (int i = 0; i < values.size(); i++) {
      clause.append(i == 0 ? "" : ",").append("(:t").append(i).append(", :v").append(i).append(")");
      parameters.put("t" + i, values.get(i).type());
      parameters.put("v" + i, values.get(i).value());
    }
    return clause.append(")").toString();
  }

  private static Uni<Void> execute(String sql, Map<String, Object> parameters) {
    return Panache.getSession()
        .chain(
            session -> {
              var query = session.createNativeQuery(sql);
              parameters.forEach(
                  (name, value) -> {
                    if (sql.contains(":" + name)) {
                      query.setParameter(name, value);
                    }
                  });
              return query.executeUpdate();
            })
        .replaceWithVoid();
  }
}
