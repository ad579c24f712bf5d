package org.opencdp.identity.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.opencdp.contracts.Identifier;

/**
 * Identifiers of the graph. The hot path uses native SQL through the Panache session: it needs
 * advisory locks, multi-row inserts and set-based moves that JPQL cannot express, and it keeps the
 * persistence context empty so nothing is flushed behind its back.
 */
@ApplicationScoped
public class IdentifierRepository implements PanacheRepositoryBase<IdentifierEntity, Long> {

  /**
   * Takes a transaction-scoped advisory lock on every (workspace, type, value), in ascending key
   * order. The locks serialise every transaction that reads or writes the same identifier, also
   * when the identifier does not exist yet (a row lock cannot protect a row that is not there).
   */
  public Uni<Void> lockInKeyOrder(String workspaceId, Collection<Identifier> identifiers) {
    TreeSet<Long> keys = new TreeSet<>();
    for (Identifier identifier : identifiers) {
      keys.add(lockKey(workspaceId, identifier));
    }
    StringBuilder values = new StringBuilder();
    Map<String, Object> parameters = new HashMap<>();
    int index = 0;
    for (Long key : keys) {
      values.append(index == 0 ? "" : ",").append("(CAST(:k").append(index).append(" AS bigint))");
      parameters.put("k" + index, key);
      index++;
    }
    // VALUES rows are scanned in the order written, so the locks are taken in ascending order.
    String sql =
        "SELECT count(l::text) FROM (SELECT pg_advisory_xact_lock(k) AS l FROM (VALUES "
            + values
            + ") AS v(k)) AS s";
    return getSession()
        .chain(
            session -> {
              var query = session.createNativeQuery(sql);
              parameters.forEach(query::setParameter);
              return query.getSingleResult();
            })
        .replaceWithVoid();
  }

  /**
   * The profile each of the given identifiers belongs to; absent identifiers are not in the map.
   */
  public Uni<Map<Identifier, String>> findOwners(
      String workspaceId, Collection<Identifier> identifiers) {
    if (identifiers.isEmpty()) {
      return Uni.createFrom().item(Map.of());
    }
    StringBuilder sql =
        new StringBuilder(
            "SELECT type, value, profile_id FROM identity_identifier WHERE workspace_id = :ws AND (");
    Map<String, Object> parameters = new HashMap<>();
    parameters.put("ws", workspaceId);
    int index = 0;
    for (Identifier identifier : identifiers) {
      sql.append(index == 0 ? "" : " OR ")
          .append("(type = :t")
          .append(index)
          .append(" AND value = :v")
          .append(index)
          .append(")");
      parameters.put("t" + index, identifier.type());
      parameters.put("v" + index, identifier.value());
      index++;
    }
    sql.append(")");
    return getSession()
        .chain(
            session -> {
              var query = session.<Object[]>createNativeQuery(sql.toString());
              parameters.forEach(query::setParameter);
              return query.getResultList();
            })
        .map(
            rows -> {
              Map<Identifier, String> owners = new HashMap<>();
              for (Object[] row : rows) {
                owners.put(new Identifier((String) row[0], (String) row[1]), (String) row[2]);
              }
              return owners;
            });
  }

  /**
   * The owners of an event's identifiers, its profile if the event was processed before, and the
   * erasure times of those of its identifiers that a privacy request erased (by hash).
   */
  public record ResolutionRead(
      Map<Identifier, String> owners, String processedProfileId, Map<String, Instant> erased) {}

  /**
   * One round trip for the reads every resolution needs after taking its locks: the owners of the
   * identifiers, the idempotency record of the event and the erasure records of the identifiers'
   * hashes ({@code erasedHashes}, same workspace).
   */
  public Uni<ResolutionRead> readForResolution(
      String workspaceId,
      Collection<Identifier> identifiers,
      String eventKey,
      Collection<String> erasedHashes) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT type, value, profile_id, CAST(NULL AS bigint) FROM identity_identifier"
                + " WHERE workspace_id = :ws AND (");
    Map<String, Object> parameters = new HashMap<>();
    parameters.put("ws", workspaceId);
    parameters.put("key", eventKey);
    int index = 0;
    for (Identifier identifier : identifiers) {
      sql.append(index == 0 ? "" : " OR ")
          .append("(type = :t")
          .append(index)
          .append(" AND value = :v")
          .append(index)
          .append(")");
      parameters.put("t" + index, identifier.type());
      parameters.put("v" + index, identifier.value());
      index++;
    }
    sql.append(
        ") UNION ALL SELECT NULL, NULL, profile_id, NULL FROM identity_processed_event"
            + " WHERE event_key = :key AND workspace_id = :ws");
    if (!erasedHashes.isEmpty()) {
      sql.append(
          " UNION ALL SELECT NULL, identifier_hash, NULL,"
              + " CAST(extract(epoch FROM erased_at) * 1000000 AS bigint)"
              + " FROM identity_erased_identifier WHERE workspace_id = :ws"
              + " AND identifier_hash IN (:hashes)");
      parameters.put("hashes", List.copyOf(erasedHashes));
    }
    return getSession()
        .chain(
            session -> {
              var query = session.<Object[]>createNativeQuery(sql.toString());
              parameters.forEach(query::setParameter);
              return query.getResultList();
            })
        .map(
            rows -> {
              Map<Identifier, String> owners = new HashMap<>();
              Map<String, Instant> erased = new HashMap<>();
              String processed = null;
              for (Object[] row : rows) {
                if (row[3] != null) {
                  erased.put(
                      (String) row[1],
                      Instant.EPOCH.plus(((Number) row[3]).longValue(), ChronoUnit.MICROS));
                } else if (row[0] == null) {
                  processed = (String) row[2];
                } else {
                  owners.put(new Identifier((String) row[0], (String) row[1]), (String) row[2]);
                }
              }
              return new ResolutionRead(owners, processed, erased);
            });
  }

  /** Identifier counts per profile and type, for the per-profile limits. */
  public Uni<Map<String, Map<String, Integer>>> countByType(
      String workspaceId, Collection<String> profileIds) {
    return getSession()
        .chain(
            session ->
                session
                    .<Object[]>createNativeQuery(
                        "SELECT profile_id, type, count(*) FROM identity_identifier"
                            + " WHERE workspace_id = :ws AND profile_id IN (:ids)"
                            + " GROUP BY profile_id, type")
                    .setParameter("ws", workspaceId)
                    .setParameter("ids", List.copyOf(profileIds))
                    .getResultList())
        .map(
            rows -> {
              Map<String, Map<String, Integer>> counts = new HashMap<>();
              for (Object[] row : rows) {
                counts
                    .computeIfAbsent((String) row[0], id -> new HashMap<>())
                    .put((String) row[1], ((Number) row[2]).intValue());
              }
              return counts;
            });
  }

  /**
   * Per-type counts of one profile, each capped at the given value: {@code LIMIT cap} per type on
   * the (workspace, profile, type) index, so the cost follows the caps (the rule limits), not the
   * size of the profile. Enough to decide whether a limit would be breached.
   */
  public Uni<Map<String, Integer>> countByTypeCapped(
      String workspaceId, String profileId, Map<String, Integer> caps) {
    if (caps.isEmpty()) {
      return Uni.createFrom().item(new HashMap<>());
    }
    StringBuilder sql = new StringBuilder("SELECT t, count(*) FROM (");
    Map<String, Object> parameters = new HashMap<>();
    parameters.put("ws", workspaceId);
    parameters.put("profile", profileId);
    int index = 0;
    for (Map.Entry<String, Integer> cap : caps.entrySet()) {
      sql.append(index == 0 ? "" : " UNION ALL ")
          .append("(SELECT CAST(:t")
          .append(index)
          .append(" AS varchar) AS t FROM identity_identifier")
          .append(" WHERE workspace_id = :ws AND profile_id = :profile AND type = :t")
          .append(index)
          .append(" LIMIT :c")
          .append(index)
          .append(")");
      parameters.put("t" + index, cap.getKey());
      parameters.put("c" + index, cap.getValue());
      index++;
    }
    sql.append(") AS capped GROUP BY t");
    return getSession()
        .chain(
            session -> {
              var query = session.<Object[]>createNativeQuery(sql.toString());
              parameters.forEach(query::setParameter);
              return query.getResultList();
            })
        .map(
            rows -> {
              Map<String, Integer> counts = new HashMap<>();
              for (Object[] row : rows) {
                counts.put((String) row[0], ((Number) row[1]).intValue());
              }
              return counts;
            });
  }

  /** Identifiers of one profile. */
  public Uni<List<Identifier>> listOf(String workspaceId, String profileId) {
    return getSession()
        .chain(
            session ->
                session
                    .<Object[]>createNativeQuery(
                        "SELECT type, value FROM identity_identifier"
                            + " WHERE workspace_id = :ws AND profile_id = :profile"
                            + " ORDER BY type, value")
                    .setParameter("ws", workspaceId)
                    .setParameter("profile", profileId)
                    .getResultList())
        .map(IdentifierRepository::toIdentifiers);
  }

  /** Inserts new identifiers for a profile in one multi-row statement. */
  public Uni<Void> insertAll(
      String workspaceId, String profileId, List<Identifier> identifiers, String eventKey) {
    if (identifiers.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    StringBuilder sql =
        new StringBuilder(
            "INSERT INTO identity_identifier (workspace_id, type, value, profile_id,"
                + " origin_profile_id, event_key, created_at) VALUES ");
    Map<String, Object> parameters = new HashMap<>();
    parameters.put("ws", workspaceId);
    parameters.put("profile", profileId);
    parameters.put("event", eventKey);
    for (int i = 0; i < identifiers.size(); i++) {
      sql.append(i == 0 ? "" : ",")
          .append("(:ws, :t")
          .append(i)
          .append(", :v")
          .append(i)
          .append(", :profile, :profile, CAST(:event AS varchar), clock_timestamp())");
      parameters.put("t" + i, identifiers.get(i).type());
      parameters.put("v" + i, identifiers.get(i).value());
    }
    return execute(sql.toString(), parameters);
  }

  /**
   * Records the identifiers of {@code fromProfile} as the provenance of a merge, then moves them to
   * {@code toProfile}. Both statements use the (workspace, profile) index: the cost is proportional
   * to the size of the profile that moves, not to the size of the graph.
   */
  public Uni<Void> moveAllForMerge(
      String workspaceId, String fromProfile, String toProfile, String mergeId) {
    return execute(
            "INSERT INTO identity_merge_identifier (merge_id, workspace_id, type, value)"
                + " SELECT :merge, workspace_id, type, value FROM identity_identifier"
                + " WHERE workspace_id = :ws AND profile_id = :from",
            Map.of("ws", workspaceId, "from", fromProfile, "merge", mergeId))
        .chain(
            () ->
                execute(
                    "UPDATE identity_identifier SET profile_id = :to"
                        + " WHERE workspace_id = :ws AND profile_id = :from",
                    Map.of("ws", workspaceId, "from", fromProfile, "to", toProfile)));
  }

  /** Moves the given identifiers from one profile to another; returns those that moved. */
  public Uni<List<Identifier>> moveSome(
      String workspaceId, String fromProfile, String toProfile, List<Identifier> identifiers) {
    if (identifiers.isEmpty()) {
      return Uni.createFrom().item(List.of());
    }
    StringBuilder where = new StringBuilder();
    Map<String, Object> parameters = new HashMap<>();
    parameters.put("ws", workspaceId);
    parameters.put("from", fromProfile);
    for (int i = 0; i < identifiers.size(); i++) {
      where
          .append(i == 0 ? "" : " OR ")
          .append("(type = :t")
          .append(i)
          .append(" AND value = :v")
          .append(i)
          .append(")");
      parameters.put("t" + i, identifiers.get(i).type());
      parameters.put("v" + i, identifiers.get(i).value());
    }
    String condition = " WHERE workspace_id = :ws AND profile_id = :from AND (" + where + ")";
    return getSession()
        .chain(
            session -> {
              var query =
                  session.<Object[]>createNativeQuery(
                      "SELECT type, value FROM identity_identifier"
                          + condition
                          + " ORDER BY type, value");
              parameters.forEach(query::setParameter);
              return query.getResultList();
            })
        .map(IdentifierRepository::toIdentifiers)
        .chain(
            moving -> {
              Map<String, Object> update = new HashMap<>(parameters);
              update.put("to", toProfile);
              return execute("UPDATE identity_identifier SET profile_id = :to" + condition, update)
                  .replaceWith(moving);
            });
  }

  /** Every identifier of a workspace and its profile (tests and tooling; not for big graphs). */
  public Uni<Map<Identifier, String>> snapshot(String workspaceId) {
    return getSession()
        .chain(
            session ->
                session
                    .<Object[]>createNativeQuery(
                        "SELECT type, value, profile_id FROM identity_identifier"
                            + " WHERE workspace_id = :ws")
                    .setParameter("ws", workspaceId)
                    .getResultList())
        .map(
            rows -> {
              Map<Identifier, String> result = new HashMap<>();
              for (Object[] row : rows) {
                result.put(new Identifier((String) row[0], (String) row[1]), (String) row[2]);
              }
              return result;
            });
  }

  /**
   * 64-bit advisory lock key of an identifier: the first 8 bytes of SHA-256(workspace, type,
   * value). A collision only makes two unrelated identifiers wait for each other; it never affects
   * correctness.
   */
  public static long lockKey(String workspaceId, Identifier identifier) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(workspaceId.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(identifier.type().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(identifier.value().getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest.digest()).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the JVM specification", e);
    }
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

  private static List<Identifier> toIdentifiers(List<Object[]> rows) {
    List<Identifier> result = new ArrayList<>(rows.size());
    for (Object[] row : rows) {
      result.add(new Identifier((String) row[0], (String) row[1]));
    }
    return result;
  }
}
