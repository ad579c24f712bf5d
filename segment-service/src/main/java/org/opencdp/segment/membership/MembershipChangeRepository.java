package org.opencdp.segment.membership;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
   * Inserts history rows in the caller's transaction with one statement: each column is bound as
   * one array and {@code unnest}ed, so every number of rows shares one statement text and one round
   * trip. Hibernate's persist (cascade, dirty tracking and insert coordination per row) was the
   * largest part of the service's CPU for real-time inputs after the row lock went to one
   * statement; a multi-row {@code VALUES} list with thousands of positional parameters was slower
   * still. The rows are not attached to the session (nothing reads them back in the transaction).
   */
  public Uni<Void> insertAll(List<MembershipChangeEntity> rows) {
    if (rows.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    int n = rows.size();
    String[] ids = new String[n];
    String[] workspaces = new String[n];
    String[] profiles = new String[n];
    String[] segments = new String[n];
    String[] names = new String[n];
    String[] versions = new String[n];
    String[] kinds = new String[n];
    String[] reasons = new String[n];
    String[] occurred = new String[n];
    String[] recorded = new String[n];
    String[] published = new String[n];
    for (int i = 0; i < n; i++) {
      MembershipChangeEntity row = rows.get(i);
      ids[i] = row.changeId;
      workspaces[i] = row.workspaceId;
      profiles[i] = row.profileId;
      segments[i] = row.segmentId;
      names[i] = row.segmentName;
      versions[i] = Long.toString(row.segmentVersion);
      kinds[i] = row.kind == null ? null : row.kind.name();
      reasons[i] = row.reason;
      occurred[i] = timestamp(row.occurredAt);
      recorded[i] = timestamp(row.recordedAt);
      published[i] = Boolean.toString(row.published);
    }
    return Panache.getSession()
        .chain(
            session ->
                session
                    .createNativeQuery(INSERT_ALL)
                    .setParameter("ids", ids)
                    .setParameter("workspaces", workspaces)
                    .setParameter("profiles", profiles)
                    .setParameter("segments", segments)
                    .setParameter("names", names)
                    .setParameter("versions", versions)
                    .setParameter("kinds", kinds)
                    .setParameter("reasons", reasons)
                    .setParameter("occurred", occurred)
                    .setParameter("recorded", recorded)
                    .setParameter("published", published)
                    .executeUpdate())
        .replaceWithVoid();
  }

  // every parameter is text[] (the driver encodes the String[] as such); PostgreSQL converts the
  // typed columns, so the client never has to match an inferred element type
  static final String INSERT_ALL =
      "insert into membership_change (changeId, workspaceId, profileId, segmentId, segmentName,"
          + " segmentVersion, kind, reason, occurredAt, recordedAt, published)"
          + " select * from unnest(cast(:ids as text[]), cast(:workspaces as text[]),"
          + " cast(:profiles as text[]), cast(:segments as text[]), cast(:names as text[]),"
          + " cast(cast(:versions as text[]) as bigint[]), cast(:kinds as text[]),"
          + " cast(:reasons as text[]), cast(cast(:occurred as text[]) as timestamptz[]),"
          + " cast(cast(:recorded as text[]) as timestamptz[]),"
          + " cast(cast(:published as text[]) as boolean[]))";

  /** ISO-8601 text of the instant in microseconds, the column's precision (as the driver binds). */
  private static String timestamp(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS).toString();
  }

  /**
   * Erases the history of profiles (privacy delete), unpublished outbox rows included: a change not
   * yet sent is not sent any more.
   */
  public Uni<Long> deleteForProfiles(String workspaceId, List<String> profileIds) {
    return delete("workspaceId = ?1 and profileId in ?2", workspaceId, profileIds);
  }

  /**
   * Marks changes acknowledged by Kafka. The ids are bound as one array, so every number of ids
   * shares one statement text (an {@code IN} list is rendered and parsed anew for each length).
   */
  public Uni<Integer> markPublished(List<String> changeIds) {
    return Panache.getSession()
        .chain(
            session ->
                session
                    .createNativeQuery(MARK_PUBLISHED)
                    .setParameter("ids", changeIds.toArray(String[]::new))
                    .executeUpdate());
  }

  static final String MARK_PUBLISHED =
      "update membership_change set published = true where changeId = any(:ids)";
}
