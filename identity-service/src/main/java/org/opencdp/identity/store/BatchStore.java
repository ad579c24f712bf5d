package org.opencdp.identity.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.opencdp.contracts.Identifier;

/**
 * The hot path of resolution for a whole Kafka poll: a handful of set-based statements per batch
 * instead of five per event.
 *
 * <p>Why the Vert.x SQL client and not the Hibernate session: these statements bind whole arrays
 * ({@code unnest($1::varchar[], ...)}), so one prepared statement serves any batch size and stays
 * in the per-connection statement cache, where native queries with one parameter per identifier
 * were re-parsed by Hibernate and planned by PostgreSQL for every shape. The pool is the one
 * Hibernate Reactive uses (the Quarkus reactive datasource), so connection limits stay shared. The
 * rest of the service (graph changes, API) keeps Hibernate Reactive Panache.
 */
@ApplicationScoped
public class BatchStore {
  private final Pool pool;

  public BatchStore(Pool pool) {
    this.pool = pool;
  }

  /** An identifier of a workspace. */
  public record Key(String workspaceId, Identifier identifier) {}

  /**
   * Owners of the identifiers read, the processed events among those asked for, and the erasure
   * times of the erased identifiers among the hashes asked for.
   */
  public record Read(
      Map<Key, String> owners, Map<String, String> processed, Map<String, Instant> erased) {}

  public <T> Uni<T> inTransaction(Function<SqlConnection, Uni<T>> work) {
    return pool.withTransaction(work);
  }

  /**
   * One statement: the owner of each identifier, the processed-events record of each event
   * (idempotency) and the erasure record of each identifier hash ({@code erasedHashes}: hash to
   * workspace), so all are read from the same snapshot.
   */
  public Uni<Read> read(
      SqlConnection connection,
      Collection<Key> identifiers,
      Map<String, String> eventWorkspaces,
      Map<String, String> erasedHashes) {
    int n = identifiers.size();
    String[] workspaces = new String[n];
    String[] types = new String[n];
    String[] values = new String[n];
    int i = 0;
    for (Key key : identifiers) {
      workspaces[i] = key.workspaceId();
      types[i] = key.identifier().type();
      values[i] = key.identifier().value();
      i++;
    }
    String[] eventKeys = eventWorkspaces.keySet().toArray(String[]::new);
    String[] eventWs = new String[eventKeys.length];
    for (int e = 0; e < eventKeys.length; e++) {
      eventWs[e] = eventWorkspaces.get(eventKeys[e]);
    }
    String[] hashes = erasedHashes.keySet().toArray(String[]::new);
    String[] hashWs = new String[hashes.length];
    for (int h = 0; h < hashes.length; h++) {
      hashWs[h] = erasedHashes.get(hashes[h]);
    }
    return connection
        .preparedQuery(
            "SELECT i.workspace_id, i.type, i.value, i.profile_id, CAST(NULL AS bigint)"
                + " FROM unnest($1::varchar[], $2::varchar[], $3::varchar[]) AS k(ws, t, v)"
                + " JOIN identity_identifier i"
                + " ON i.workspace_id = k.ws AND i.type = k.t AND i.value = k.v"
                + " UNION ALL SELECT p.workspace_id, NULL, p.event_key, p.profile_id, NULL"
                + " FROM unnest($4::varchar[], $5::varchar[]) AS e(ws, event_key)"
                + " JOIN identity_processed_event p"
                + " ON p.event_key = e.event_key AND p.workspace_id = e.ws"
                + " UNION ALL SELECT x.workspace_id, NULL, x.identifier_hash, NULL,"
                + " CAST(extract(epoch FROM x.erased_at) * 1000000 AS bigint)"
                + " FROM unnest($6::varchar[], $7::varchar[]) AS h(ws, hash)"
                + " JOIN identity_erased_identifier x"
                + " ON x.identifier_hash = h.hash AND x.workspace_id = h.ws")
        .execute(
            Tuple.tuple()
                .addArrayOfString(workspaces)
                .addArrayOfString(types)
                .addArrayOfString(values)
                .addArrayOfString(eventWs)
                .addArrayOfString(eventKeys)
                .addArrayOfString(hashWs)
                .addArrayOfString(hashes))
        .map(
            rows -> {
              Map<Key, String> owners = new HashMap<>();
              Map<String, String> processed = new HashMap<>();
              Map<String, Instant> erased = new HashMap<>();
              for (Row row : rows) {
                Long erasedMicros = row.getLong(4);
                String type = row.getString(1);
                if (erasedMicros != null) {
                  erased.put(row.getString(2), Instant.EPOCH.plus(erasedMicros, ChronoUnit.MICROS));
                } else if (type == null) {
                  processed.put(row.getString(2), row.getString(3));
                } else {
                  owners.put(
                      new Key(row.getString(0), new Identifier(type, row.getString(2))),
                      row.getString(3));
                }
              }
              return new Read(owners, processed, erased);
            });
  }

  /**
   * Advisory locks on the identifiers, in ascending key order in one statement: the same locks, in
   * the same global order, as {@link IdentifierRepository#lockInKeyOrder}.
   */
  public Uni<Void> lock(SqlConnection connection, Collection<Key> identifiers) {
    Set<Long> distinct = new HashSet<>();
    for (Key key : identifiers) {
      distinct.add(IdentifierRepository.lockKey(key.workspaceId(), key.identifier()));
    }
    Long[] keys = distinct.toArray(Long[]::new);
    java.util.Arrays.sort(keys);
    return connection
        .preparedQuery(
            "SELECT count(pg_advisory_xact_lock(k)::text) FROM unnest($1::bigint[]) AS k")
        .execute(Tuple.tuple().addArrayOfLong(keys))
        .replaceWithVoid();
  }

  /** A profile created by the batch, with its identifiers. */
  public record NewProfile(
      String workspaceId, String profileId, List<Identifier> identifiers, String eventKey) {}

  /** Inserts the profiles and their identifiers: two statements for the whole batch. */
  public Uni<Void> create(SqlConnection connection, List<NewProfile> created) {
    if (created.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    int profiles = created.size();
    String[] ids = new String[profiles];
    String[] workspaces = new String[profiles];
    Integer[] counts = new Integer[profiles];
    List<String> idWs = new ArrayList<>();
    List<String> idType = new ArrayList<>();
    List<String> idValue = new ArrayList<>();
    List<String> idProfile = new ArrayList<>();
    List<String> idEvent = new ArrayList<>();
    for (int p = 0; p < profiles; p++) {
      NewProfile profile = created.get(p);
      ids[p] = profile.profileId();
      workspaces[p] = profile.workspaceId();
      counts[p] = profile.identifiers().size();
      for (Identifier identifier : profile.identifiers()) {
        idWs.add(profile.workspaceId());
        idType.add(identifier.type());
        idValue.add(identifier.value());
        idProfile.add(profile.profileId());
        idEvent.add(profile.eventKey());
      }
    }
    return connection
        .preparedQuery(
            "INSERT INTO identity_profile (id, workspace_id, status, merged_into,"
                + " identifier_count, created_at, updated_at)"
                + " SELECT id, ws, 'ACTIVE', NULL, n, clock_timestamp(), clock_timestamp()"
                + " FROM unnest($1::varchar[], $2::varchar[], $3::int[]) AS p(id, ws, n)")
        .execute(
            Tuple.tuple()
                .addArrayOfString(ids)
                .addArrayOfString(workspaces)
                .addArrayOfInteger(counts))
        .chain(
            () ->
                connection
                    .preparedQuery(
                        "INSERT INTO identity_identifier (workspace_id, type, value, profile_id,"
                            + " origin_profile_id, event_key, created_at)"
                            + " SELECT ws, t, v, p, p, e, clock_timestamp() FROM unnest("
                            + "$1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[],"
                            + " $5::varchar[]) AS i(ws, t, v, p, e)")
                    .execute(
                        Tuple.tuple()
                            .addArrayOfString(idWs.toArray(String[]::new))
                            .addArrayOfString(idType.toArray(String[]::new))
                            .addArrayOfString(idValue.toArray(String[]::new))
                            .addArrayOfString(idProfile.toArray(String[]::new))
                            .addArrayOfString(idEvent.toArray(String[]::new))))
        .replaceWithVoid();
  }

  /**
   * Idempotency records of the batch, in key order (two batches holding the same duplicates lock
   * them in the same order). A duplicate recorded concurrently is skipped: the event changed
   * nothing, and the other copy recorded the same outcome.
   */
  public Uni<Void> recordProcessed(
      SqlConnection connection, List<String> eventKeys, List<String> ws, List<String> profiles) {
    if (eventKeys.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return connection
        .preparedQuery(
            "INSERT INTO identity_processed_event (event_key, workspace_id, profile_id,"
                + " processed_at) SELECT k, ws, p, clock_timestamp()"
                + " FROM unnest($1::varchar[], $2::varchar[], $3::varchar[]) AS e(k, ws, p)"
                + " ORDER BY k ON CONFLICT DO NOTHING")
        .execute(
            Tuple.tuple()
                .addArrayOfString(eventKeys.toArray(String[]::new))
                .addArrayOfString(ws.toArray(String[]::new))
                .addArrayOfString(profiles.toArray(String[]::new)))
        .replaceWithVoid();
  }
}
