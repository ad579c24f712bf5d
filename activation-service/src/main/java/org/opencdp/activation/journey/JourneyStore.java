package org.opencdp.activation.journey;

import static org.opencdp.activation.profile.ProfileStore.time;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.opencdp.activation.profile.ProfileStore;

/**
 * Journeys in PostgreSQL: the durable timer is {@code next_at} of a WAITING row, claimed with SKIP
 * LOCKED by whichever instance ticks first. At most one running journey per campaign and profile,
 * and one per trigger (a redelivered Kafka message starts nothing).
 */
@ApplicationScoped
public class JourneyStore {
  /** A journey view for the API and tests. */
  public record JourneyView(
      String id,
      String campaignId,
      String profileId,
      int step,
      String status,
      Instant nextAt,
      String detail) {}

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  /** The detail of a journey parked until its profile snapshot arrives. */
  public static final String WAITING_FOR_PROFILE = "waiting for profile";

  private final Pool pool;
  private final ObjectMapper json;

  JourneyStore(Pool pool, ObjectMapper json) {
    this.pool = pool;
    this.json = json;
  }

  /** Creates a RUNNING journey; false when the trigger was seen or one is running already. */
  public boolean start(Journey j, Instant now) {
    return pool.preparedQuery(
                "insert into act_journey (id, workspace_id, campaign_id, profile_id, trigger_key,"
                    + " step, status, next_at, context, waits, created_at, updated_at) values ($1,"
                    + " $2, $3, $4, $5, 0, 'RUNNING', $6, $7, 0, $6, $6) on conflict do nothing")
            .executeAndAwait(
                Tuple.from(
                    List.of(
                        j.id(),
                        j.workspaceId(),
                        j.campaignId(),
                        j.profileId(),
                        j.triggerKey(),
                        time(now),
                        write(j.context()))))
            .rowCount()
        > 0;
  }

  /** Parks a journey until {@code nextAt} at {@code step}. */
  public void park(String id, int step, int waits, Instant nextAt, String detail, Instant now) {
    pool.preparedQuery(
            "update act_journey set status = 'WAITING', step = $2, waits = $3, next_at = $4,"
                + " detail = $5, updated_at = $6 where id = $1 and status = 'RUNNING'")
        .executeAndAwait(
            Tuple.from(java.util.Arrays.asList(id, step, waits, time(nextAt), detail, time(now))));
  }

  /** Makes the journeys that wait for these profiles' snapshots due now. */
  public void wakeWaitingForProfiles(List<ProfileStore.ProfileKey> profiles, Instant now) {
    pool.preparedQuery(
            "update act_journey j set next_at = $3 from unnest($1::varchar[], $2::varchar[])"
                + " as t(ws, pid) where j.workspace_id = t.ws and j.profile_id = t.pid"
                + " and j.status = 'WAITING' and j.detail = $4 and j.next_at > $3")
        .executeAndAwait(
            Tuple.of(
                profiles.stream().map(ProfileStore.ProfileKey::workspaceId).toArray(String[]::new),
                profiles.stream().map(ProfileStore.ProfileKey::profileId).toArray(String[]::new),
                time(now),
                WAITING_FOR_PROFILE));
  }

  public void finish(String id, String status, String detail, Instant now) {
    pool.preparedQuery(
            "update act_journey set status = $2, detail = $3, updated_at = $4 where id = $1"
                + " and status in ('RUNNING', 'WAITING')")
        .executeAndAwait(Tuple.of(id, status, detail, time(now)));
  }

  /** Cancels the running journey of a profile in a campaign (exit event); true if there was one. */
  public int cancel(
      String workspaceId, String campaignId, String profileId, String reason, Instant now) {
    return pool.preparedQuery(
            "update act_journey set status = 'CANCELLED', detail = $4, updated_at = $5 where"
                + " workspace_id = $1 and campaign_id = $2 and profile_id = $3 and status in"
                + " ('RUNNING', 'WAITING')")
        .executeAndAwait(Tuple.of(workspaceId, campaignId, profileId, reason, time(now)))
        .rowCount();
  }

  /**
   * Claims due journeys: WAITING ones whose time has come, and RUNNING ones abandoned by a crashed
   * instance (not updated for {@code stale}).
   */
  public List<Journey> claimDue(Instant now, Instant staleBefore, int limit) {
    List<Journey> out = new ArrayList<>();
    for (Row row :
        pool.preparedQuery(
                "update act_journey set status = 'RUNNING', updated_at = $1 where id in (select id"
                    + " from act_journey where (status = 'WAITING' and next_at <= $1) or (status ="
                    + " 'RUNNING' and updated_at < $2) order by next_at limit $3 for update skip"
                    + " locked) returning *")
            .executeAndAwait(Tuple.of(time(now), time(staleBefore), limit))) {
      out.add(journey(row));
    }
    return out;
  }

  public List<JourneyView> ofCampaign(String workspaceId, String campaignId, String profileId) {
    List<JourneyView> out = new ArrayList<>();
    for (Row row :
        pool.preparedQuery(
                "select * from act_journey where workspace_id = $1 and campaign_id = $2 and"
                    + " ($3::varchar is null or profile_id = $3) order by created_at desc limit"
                    + " 200")
            .executeAndAwait(Tuple.of(workspaceId, campaignId, profileId))) {
      out.add(
          new JourneyView(
              row.getString("id"),
              row.getString("campaign_id"),
              row.getString("profile_id"),
              row.getInteger("step"),
              row.getString("status"),
              row.getOffsetDateTime("next_at").toInstant(),
              row.getString("detail")));
    }
    return out;
  }

  private Journey journey(Row row) {
    try {
      return new Journey(
          row.getString("id"),
          row.getString("workspace_id"),
          row.getString("campaign_id"),
          row.getString("profile_id"),
          row.getString("trigger_key"),
          row.getInteger("step"),
          row.getInteger("waits"),
          json.readValue(row.getString("context"), MAP));
    } catch (Exception e) {
      throw new IllegalStateException("stored journey unreadable", e);
    }
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (Exception e) {
      throw new IllegalStateException("not writable", e);
    }
  }
}
