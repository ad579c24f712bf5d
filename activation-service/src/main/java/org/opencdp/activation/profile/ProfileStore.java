package org.opencdp.activation.profile;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.SegmentMembershipChanged;

/**
 * Profile snapshots, segment memberships and consent refusals recorded here (unsubscribe links), in
 * PostgreSQL. Blocking API for worker threads. Every query filters on the workspace.
 */
@ApplicationScoped
public class ProfileStore {
  /** The snapshot and whether the category is refused locally (unsubscribe link). */
  public record Gate(Snapshot snapshot, boolean suppressed) {
    public boolean consented(String category) {
      return !suppressed
          && !snapshot.deleted()
          && Boolean.TRUE.equals(snapshot.consent().get(category));
    }
  }

  /** Whose consent to read for which category. */
  public record GateKey(String workspaceId, String profileId, String category) {}

  /** A profile of a workspace. */
  public record ProfileKey(String workspaceId, String profileId) {}

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final TypeReference<Map<String, Boolean>> CONSENT = new TypeReference<>() {};
  private static final TypeReference<List<Identifier>> IDENTIFIERS = new TypeReference<>() {};

  private final Pool pool;
  private final ObjectMapper json;

  ProfileStore(Pool pool, ObjectMapper json) {
    this.pool = pool;
    this.json = json;
  }

  /**
   * Keeps the newest version of each profile; older or repeated messages change nothing, and so
   * does a newer one whose state activation keeps (traits, consent, identifiers, deleted) equals
   * the stored one: most profile changes are new events and computed traits, which are not kept
   * here, so the row is not rewritten for them (its version stays that of the last change it
   * holds). Since a replayed version may then be newer than the stored one, a deleted snapshot
   * (privacy erasure here, or a deleting change) is only filled again by a change that happened
   * after it was deleted. A consent category granted again lifts an older local refusal
   * (unsubscribe link). Any number of messages, several per profile too: one statement for all of
   * them. Returns the profiles seen for the first time (journeys may be waiting for their
   * snapshot).
   */
  public List<ProfileKey> applySnapshots(List<SnapshotChange> messages) {
    List<ProfileKey> first = new ArrayList<>();
    if (messages.isEmpty()) {
      return first;
    }
    // one row per profile: a statement may not update the same row twice
    Map<ProfileKey, SnapshotChange> newest = new LinkedHashMap<>();
    for (SnapshotChange m : messages) {
      newest.merge(
          new ProfileKey(m.workspaceId(), m.profileId()),
          m,
          (a, b) -> b.version() > a.version() ? b : a);
    }
    List<SnapshotChange> changes = List.copyOf(newest.values());
    int n = changes.size();
    String[] workspaces = new String[n];
    String[] profileIds = new String[n];
    Long[] versions = new Long[n];
    String[] traits = new String[n];
    String[] consents = new String[n];
    String[] identifiers = new String[n];
    Boolean[] deleted = new Boolean[n];
    OffsetDateTime[] at = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      SnapshotChange c = changes.get(i);
      workspaces[i] = c.workspaceId();
      profileIds[i] = c.profileId();
      versions[i] = c.version();
      traits[i] = c.traitsJson();
      consents[i] = c.consentJson();
      identifiers[i] = c.identifiersJson();
      deleted[i] = c.deleted();
      at[i] = time(c.occurredAt() == null ? Instant.now() : c.occurredAt());
    }
    Grants grants = Grants.of(changes, at);
    for (Row row :
        pool.preparedQuery(
                // the lift and the upsert in one round trip (a data-modifying WITH always runs)
                "with lifted as (delete from act_suppression s using unnest($9::varchar[],"
                    + " $10::varchar[], $11::varchar[], $12::timestamptz[]) as g(ws, pid,"
                    + " category, at) where s.workspace_id = g.ws and s.profile_id = g.pid"
                    + " and s.category = g.category and s.created_at < g.at),"
                    + " upserted as (insert into act_profile (workspace_id, profile_id, version,"
                    + " traits, consent, identifiers, deleted, updated_at) select * from"
                    + " unnest($1::varchar[], $2::varchar[], $3::bigint[], $4::text[], $5::text[],"
                    + " $6::text[], $7::boolean[], $8::timestamptz[])"
                    + " on conflict (workspace_id, profile_id) do update set version ="
                    + " excluded.version, traits = excluded.traits, consent = excluded.consent,"
                    + " identifiers = excluded.identifiers, deleted = excluded.deleted,"
                    + " updated_at = excluded.updated_at where act_profile.version <"
                    + " excluded.version and (not act_profile.deleted or excluded.updated_at >"
                    + " act_profile.updated_at) and (act_profile.traits, act_profile.consent,"
                    + " act_profile.identifiers, act_profile.deleted) is distinct from"
                    + " (excluded.traits, excluded.consent, excluded.identifiers, excluded.deleted)"
                    // xmax is 0 only on a row this statement inserted (not on an update)
                    + " returning workspace_id, profile_id, (xmax = 0) as inserted)"
                    + " select workspace_id, profile_id from upserted where inserted")
            .executeAndAwait(
                Tuple.from(
                    List.of(
                        workspaces,
                        profileIds,
                        versions,
                        traits,
                        consents,
                        identifiers,
                        deleted,
                        at,
                        grants.workspaces(),
                        grants.profileIds(),
                        grants.categories(),
                        grants.times())))) {
      first.add(new ProfileKey(row.getString("workspace_id"), row.getString("profile_id")));
    }
    return first;
  }

  /** Consent categories granted by the changes, each with the time of its change. */
  private record Grants(
      String[] workspaces, String[] profileIds, String[] categories, OffsetDateTime[] times) {
    static Grants of(List<SnapshotChange> changes, OffsetDateTime[] at) {
      List<String> workspaces = new ArrayList<>();
      List<String> profileIds = new ArrayList<>();
      List<String> categories = new ArrayList<>();
      List<OffsetDateTime> times = new ArrayList<>();
      for (int i = 0; i < changes.size(); i++) {
        SnapshotChange c = changes.get(i);
        for (Map.Entry<String, Boolean> consent : c.consent().entrySet()) {
          if (Boolean.TRUE.equals(consent.getValue())) {
            workspaces.add(c.workspaceId());
            profileIds.add(c.profileId());
            categories.add(consent.getKey());
            times.add(at[i]);
          }
        }
      }
      return new Grants(
          workspaces.toArray(String[]::new),
          profileIds.toArray(String[]::new),
          categories.toArray(String[]::new),
          times.toArray(OffsetDateTime[]::new));
    }
  }

  /** The profile id to use: the survivor when this id was merged into another profile. */
  public String resolve(String workspaceId, String profileId) {
    RowSet<Row> rows =
        pool.preparedQuery(
                "select survivor_id from act_profile_alias where workspace_id = $1"
                    + " and merged_id = $2")
            .executeAndAwait(Tuple.of(workspaceId, profileId));
    return rows.rowCount() == 0 ? profileId : rows.iterator().next().getString("survivor_id");
  }

  /** Records that the profile left a campaign through one of its exit events. */
  public void exited(String workspaceId, String campaignId, String profileId, Instant at) {
    pool.preparedQuery(
            "insert into act_exit_seen (workspace_id, campaign_id, profile_id, at) values ($1, $2,"
                + " $3, $4) on conflict (workspace_id, campaign_id, profile_id) do update set at ="
                + " greatest(act_exit_seen.at, excluded.at)")
        .executeAndAwait(Tuple.of(workspaceId, campaignId, profileId, time(at)));
  }

  public Optional<Snapshot> find(String workspaceId, String profileId) {
    RowSet<Row> rows =
        pool.preparedQuery("select * from act_profile where workspace_id = $1 and profile_id = $2")
            .executeAndAwait(Tuple.of(workspaceId, profileId));
    return rows.rowCount() == 0 ? Optional.empty() : Optional.of(snapshot(rows.iterator().next()));
  }

  /** The snapshot plus the local refusal of one consent category, in one query. */
  public Optional<Gate> gate(String workspaceId, String profileId, String category) {
    RowSet<Row> rows =
        pool.preparedQuery(
                "select p.*, exists (select 1 from act_suppression s where s.workspace_id ="
                    + " p.workspace_id and s.profile_id = p.profile_id and s.category in ($3, '*'))"
                    + " as suppressed from act_profile p where p.workspace_id = $1"
                    + " and p.profile_id = $2")
            .executeAndAwait(Tuple.of(workspaceId, profileId, category));
    if (rows.rowCount() == 0) {
      return Optional.empty();
    }
    Row row = rows.iterator().next();
    return Optional.of(new Gate(snapshot(row), row.getBoolean("suppressed")));
  }

  /** {@link #gate} for many profiles in one query; profiles without a snapshot are absent. */
  public Map<GateKey, Gate> gates(List<GateKey> keys) {
    List<GateKey> distinct = keys.stream().distinct().toList();
    Map<GateKey, Gate> out = new HashMap<>();
    if (distinct.isEmpty()) {
      return out;
    }
    String[] ws = distinct.stream().map(GateKey::workspaceId).toArray(String[]::new);
    String[] ids = distinct.stream().map(GateKey::profileId).toArray(String[]::new);
    String[] categories = distinct.stream().map(GateKey::category).toArray(String[]::new);
    for (Row row :
        pool.preparedQuery(
                "select p.*, t.category as gate_category, exists (select 1 from act_suppression s"
                    + " where s.workspace_id = p.workspace_id and s.profile_id = p.profile_id and"
                    + " s.category in (t.category, '*')) as suppressed from unnest($1::varchar[],"
                    + " $2::varchar[], $3::varchar[]) as t(ws, pid, category) join act_profile p"
                    + " on p.workspace_id = t.ws and p.profile_id = t.pid")
            .executeAndAwait(Tuple.of(ws, ids, categories))) {
      out.put(
          new GateKey(
              row.getString("workspace_id"),
              row.getString("profile_id"),
              row.getString("gate_category")),
          new Gate(snapshot(row), row.getBoolean("suppressed")));
    }
    return out;
  }

  /** {@link #resolve} for many profiles in one query: only merged ids are in the answer. */
  public Map<ProfileKey, String> survivors(List<ProfileKey> keys) {
    List<ProfileKey> distinct = keys.stream().distinct().toList();
    Map<ProfileKey, String> out = new HashMap<>();
    if (distinct.isEmpty()) {
      return out;
    }
    for (Row row :
        pool.preparedQuery(
                "select a.workspace_id, a.merged_id, a.survivor_id from unnest($1::varchar[],"
                    + " $2::varchar[]) as t(ws, pid) join act_profile_alias a on a.workspace_id ="
                    + " t.ws and a.merged_id = t.pid")
            .executeAndAwait(
                Tuple.of(
                    distinct.stream().map(ProfileKey::workspaceId).toArray(String[]::new),
                    distinct.stream().map(ProfileKey::profileId).toArray(String[]::new)))) {
      out.put(
          new ProfileKey(row.getString("workspace_id"), row.getString("merged_id")),
          row.getString("survivor_id"));
    }
    return out;
  }

  /**
   * Records many membership changes, at most one per profile and segment (the caller keeps each
   * profile's changes in order across calls): entries in one statement, exits in another.
   */
  public void applyAll(List<SegmentMembershipChanged> changes) {
    List<SegmentMembershipChanged> entered =
        changes.stream().filter(c -> c.kind() == SegmentMembershipChanged.Kind.ENTERED).toList();
    List<SegmentMembershipChanged> exited =
        changes.stream().filter(c -> c.kind() != SegmentMembershipChanged.Kind.ENTERED).toList();
    if (!entered.isEmpty()) {
      pool.preparedQuery(
              "insert into act_membership (workspace_id, profile_id, segment_id, since) select *"
                  + " from unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::timestamptz[])"
                  + " on conflict do nothing")
          .executeAndAwait(
              Tuple.of(
                  entered.stream()
                      .map(SegmentMembershipChanged::workspaceId)
                      .toArray(String[]::new),
                  entered.stream().map(SegmentMembershipChanged::profileId).toArray(String[]::new),
                  entered.stream().map(SegmentMembershipChanged::segmentId).toArray(String[]::new),
                  entered.stream()
                      .map(c -> time(c.occurredAt() == null ? Instant.now() : c.occurredAt()))
                      .toArray(OffsetDateTime[]::new)));
    }
    if (!exited.isEmpty()) {
      pool.preparedQuery(
              "delete from act_membership m using unnest($1::varchar[], $2::varchar[],"
                  + " $3::varchar[]) as t(ws, pid, seg) where m.workspace_id = t.ws and"
                  + " m.profile_id = t.pid and m.segment_id = t.seg")
          .executeAndAwait(
              Tuple.of(
                  exited.stream().map(SegmentMembershipChanged::workspaceId).toArray(String[]::new),
                  exited.stream().map(SegmentMembershipChanged::profileId).toArray(String[]::new),
                  exited.stream().map(SegmentMembershipChanged::segmentId).toArray(String[]::new)));
    }
  }

  public boolean isMember(String workspaceId, String profileId, String segmentId) {
    return pool.preparedQuery(
                "select 1 from act_membership where workspace_id = $1 and profile_id = $2"
                    + " and segment_id = $3")
            .executeAndAwait(Tuple.of(workspaceId, profileId, segmentId))
            .rowCount()
        > 0;
  }

  /** Records a refusal; true when it is new. */
  public boolean suppress(String workspaceId, String profileId, String category, Instant at) {
    return pool.preparedQuery(
                "insert into act_suppression (workspace_id, profile_id, category, created_at)"
                    + " values ($1, $2, $3, $4) on conflict do nothing")
            .executeAndAwait(Tuple.of(workspaceId, profileId, category, time(at)))
            .rowCount()
        > 0;
  }

  private Snapshot snapshot(Row row) {
    try {
      return new Snapshot(
          row.getString("workspace_id"),
          row.getString("profile_id"),
          row.getLong("version"),
          json.readValue(row.getString("traits"), MAP),
          json.readValue(row.getString("consent"), CONSENT),
          json.readValue(row.getString("identifiers"), IDENTIFIERS),
          row.getBoolean("deleted"));
    } catch (Exception e) {
      throw new IllegalStateException("stored profile snapshot unreadable", e);
    }
  }

  public static OffsetDateTime time(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
