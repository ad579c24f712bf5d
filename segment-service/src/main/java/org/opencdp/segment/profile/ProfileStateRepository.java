package org.opencdp.segment.profile;

import static java.time.temporal.ChronoUnit.MICROS;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

@ApplicationScoped
public class ProfileStateRepository implements PanacheRepositoryBase<ProfileStateEntity, String> {

  public Uni<ProfileStateEntity> lock(String workspaceId, String profileId) {
    return findById(ProfileStateEntity.key(workspaceId, profileId), LockModeType.PESSIMISTIC_WRITE);
  }

  /**
   * Locks the existing rows of {@code keys} in one statement, in byte order of the key ({@code
   * COLLATE "C"}, the order of Java's sorted strings that merges and erasures lock in, whatever the
   * database's collation), and returns them. Rows of unknown profiles are not returned. Their
   * {@code events} are not read ({@link ProfileStateEntity#eventsRead} false): most inputs only
   * append to the tail, and reading the kept occurrences cost PostgreSQL a decompression and the
   * service a decoding of kilobytes per row; {@link #readEvents} reads them where needed.
   *
   * <p>The keys are bound as one array ({@code key = any(?)}), so every batch length shares one
   * statement text: an {@code IN (?, ?, ...)} list made Hibernate render and PostgreSQL parse a new
   * statement for every distinct batch length (a third of the service's CPU under load).
   */
  public Uni<List<ProfileStateEntity>> lockAll(List<String> keys) {
    if (keys.isEmpty()) {
      return Uni.createFrom().item(List.of());
    }
    return Panache.getSession()
        .chain(
            session ->
                session
                    .createNativeQuery(LOCK_ALL, ProfileStateEntity.class)
                    .setParameter("keys", keys.toArray(String[]::new))
                    .getResultList()
                    .invoke(rows -> rows.forEach(row -> row.eventsRead = false)));
  }

  static final String LOCK_ALL =
      "select key, workspaceId, profileId, version, deleted, mergedInto, snapshot,"
          + " cast(null as text) as events, events_tail, segments, updatedAt"
          + " from profile_state where key = any(:keys) order by key collate \"C\" for update";

  /**
   * Serialises the real-time batches that found no row for some of {@code keys}: a
   * transaction-scoped advisory lock per key, taken in one statement in the order of the keys'
   * hashes (so two batches never wait for each other in a cycle, even when keys share a hash).
   * Events and profile changes are consumed side by side and both meet every new profile; without
   * this both inserted its row, one batch failed on the primary key and was applied again after a
   * back-off. A batch holding these locks inserts the rows before it commits, so the next one,
   * after waiting here, finds them with {@link #lockAll} and reads them as stored.
   */
  public Uni<Void> lockNewKeys(List<String> keys) {
    if (keys.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return Panache.getSession()
        .chain(
            session ->
                session
                    .createNativeQuery(LOCK_NEW_KEYS, Long.class)
                    .setParameter("space", NEW_KEY_LOCKS)
                    .setParameter("keys", keys.toArray(String[]::new))
                    .getSingleResult())
        .replaceWithVoid();
  }

  /** The first half of the two-int advisory lock keys of {@link #lockNewKeys}: its namespace. */
  static final int NEW_KEY_LOCKS = 0x5e6_0001;

  // the sorted subquery feeds the aggregate in hash order; count(text): the lock returns void,
  // which the client cannot decode
  static final String LOCK_NEW_KEYS =
      "select count(cast(pg_advisory_xact_lock(:space, h) as text)) from"
          + " (select distinct hashtext(k) as h from unnest(cast(:keys as text[])) as k order by h)"
          + " as hashes";

  /** Reads the {@code events} of rows {@link #lockAll} returned, in one statement. */
  public Uni<Void> readEvents(List<ProfileStateEntity> rows) {
    if (rows.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    Map<String, ProfileStateEntity> byKey = new HashMap<>();
    rows.forEach(row -> byKey.put(row.key, row));
    return Panache.getSession()
        .chain(
            session ->
                session
                    .createNativeQuery(EVENTS_OF, Object[].class)
                    .setParameter("keys", byKey.keySet().toArray(String[]::new))
                    .getResultList())
        .invoke(
            found ->
                found.forEach(
                    keyAndEvents -> {
                      ProfileStateEntity row = byKey.get((String) keyAndEvents[0]);
                      row.events = (String) keyAndEvents[1];
                      row.eventsRead = true;
                    }))
        .replaceWithVoid();
  }

  static final String EVENTS_OF = "select key, events from profile_state where key = any(:keys)";

  /**
   * Writes rows of real-time batches that {@link #lockAll} read, with one statement for any number
   * of rows (each column one array, {@code unnest}ed): {@code snapshot} and {@code events} are sent
   * only where they changed (null keeps the stored value, which PostgreSQL then keeps as it is: no
   * new compressed/TOASTed copy of kilobytes of JSON per input). The rows must have been detached
   * from the session ({@link #detach}) so that Hibernate does not write them too.
   *
   * <p>Not Hibernate's {@code @DynamicUpdate}: Hibernate Reactive puts updates of differing column
   * sets into one JDBC-style batch and fails ("expected number of parameters = [3] but the actual
   * number is [4]"), and without batching every row is one more round trip.
   */
  public Uni<Void> updateAll(List<ChangedRow> rows) {
    if (rows.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    int n = rows.size();
    String[] keys = new String[n];
    String[] versions = new String[n];
    String[] deleted = new String[n];
    String[] merged = new String[n];
    String[] snapshots = new String[n];
    String[] events = new String[n];
    String[] tails = new String[n];
    String[] segments = new String[n];
    String[] updated = new String[n];
    for (int i = 0; i < n; i++) {
      ChangedRow changed = rows.get(i);
      ProfileStateEntity row = changed.row();
      keys[i] = row.key;
      versions[i] = Long.toString(row.version);
      deleted[i] = Boolean.toString(row.deleted);
      merged[i] = row.mergedInto;
      snapshots[i] = changed.snapshotChanged() ? row.snapshot : null;
      events[i] = changed.eventsChanged() ? row.events : null;
      tails[i] = row.eventsTail;
      segments[i] = row.segments;
      updated[i] = row.updatedAt == null ? null : row.updatedAt.truncatedTo(MICROS).toString();
    }
    return Panache.getSession()
        .chain(
            session ->
                session
                    .createNativeQuery(UPDATE_ALL)
                    .setParameter("keys", keys)
                    .setParameter("versions", versions)
                    .setParameter("deleted", deleted)
                    .setParameter("merged", merged)
                    .setParameter("snapshots", snapshots)
                    .setParameter("events", events)
                    .setParameter("tails", tails)
                    .setParameter("segments", segments)
                    .setParameter("updated", updated)
                    .executeUpdate())
        .replaceWithVoid();
  }

  /** A row to write, and whether its large JSON columns changed since it was read. */
  public record ChangedRow(
      ProfileStateEntity row, boolean snapshotChanged, boolean eventsChanged) {}

  // text[] parameters converted by PostgreSQL (see MembershipChangeRepository.INSERT_ALL);
  // coalesce: a JSON column that did not change is not sent and keeps its stored value
  static final String UPDATE_ALL =
      "update profile_state p set version = u.version, deleted = u.deleted,"
          + " mergedInto = u.merged, snapshot = coalesce(u.snapshot, p.snapshot),"
          + " events = coalesce(u.events, p.events), events_tail = u.tail,"
          + " segments = u.segments, updatedAt = u.updated"
          + " from unnest(cast(:keys as text[]), cast(cast(:versions as text[]) as bigint[]),"
          + " cast(cast(:deleted as text[]) as boolean[]), cast(:merged as text[]),"
          + " cast(:snapshots as text[]), cast(:events as text[]), cast(:tails as text[]),"
          + " cast(:segments as text[]), cast(cast(:updated as text[]) as timestamptz[]))"
          + " as u(key, version, deleted, merged, snapshot, events, tail, segments, updated)"
          + " where p.key = u.key";

  /** Detaches rows from the session: Hibernate will not write them (see {@link #updateAll}). */
  public Uni<Void> detach(List<ProfileStateEntity> rows) {
    return Panache.getSession()
        .invoke(
            session -> {
              for (ProfileStateEntity row : rows) {
                session.detach(row);
              }
            })
        .replaceWithVoid();
  }

  /** The next page of live profiles of a workspace after {@code afterKey}, locked when asked. */
  public Uni<List<ProfileStateEntity>> page(
      String workspaceId, String afterKey, int size, boolean lock) {
    var query =
        find(
            "workspaceId = ?1 and key > ?2 and deleted = false",
            Sort.by("key"),
            workspaceId,
            afterKey);
    if (lock) {
      query = query.withLock(LockModeType.PESSIMISTIC_WRITE);
    }
    return query.page(0, size).list();
  }

  /** Ids of the profiles merged into any of {@code survivors}. */
  public Uni<List<String>> mergedInto(String workspaceId, List<String> survivors) {
    return list("workspaceId = ?1 and mergedInto in ?2", workspaceId, survivors)
        .map(rows -> rows.stream().map(row -> row.profileId).toList());
  }

  public Uni<Long> countLive(String workspaceId) {
    return count("workspaceId = ?1 and deleted = false", workspaceId);
  }
}
