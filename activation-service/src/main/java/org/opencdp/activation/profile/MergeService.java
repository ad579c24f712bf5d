package org.opencdp.activation.profile;

import static org.opencdp.activation.profile.ProfileStore.time;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import org.opencdp.activation.delivery.FrequencyCaps;
import org.opencdp.contracts.IdentityChange;

/**
 * Applies identity changes ({@code cdp.identity.merges}) to what this service keys by profile id.
 *
 * <p>MERGED: journeys, the delivery log (with pending deliveries), unsubscribes, exit records and
 * frequency-cap counters of the merged profile move to the survivor, and the old id becomes an
 * alias so messages still carrying it reach the survivor. A moved journey is cancelled when the
 * survivor already runs the same campaign (one journey per campaign and person) or left it through
 * an exit event after that journey started (the order completed under the identified profile before
 * the merge arrived). UNMERGED drops the alias; what moved stays with the survivor. Each change is
 * applied once (its changeId is recorded in the same transaction); the counters move atomically key
 * by key before it, so a redelivered change moves nothing twice.
 */
@ApplicationScoped
public class MergeService {
  private final Pool pool;
  private final FrequencyCaps caps;
  private final Clock clock;

  MergeService(Pool pool, FrequencyCaps caps, Clock clock) {
    this.pool = pool;
    this.caps = caps;
    this.clock = clock;
  }

  public void apply(IdentityChange change) {
    switch (change.kind()) {
      case MERGED -> merge(change);
      case UNMERGED -> unmerge(change);
      case IDENTIFIER_DETACHED -> {
        // a new profile takes identifiers: nothing here is keyed by identifier
      }
    }
  }

  private void merge(IdentityChange change) {
    String ws = change.workspaceId();
    String merged = change.mergedProfileId();
    String survivor = change.survivorProfileId();
    if (merged.equals(survivor)) {
      return;
    }
    caps.merge(ws, merged, survivor);
    Instant now = clock.instant();
    boolean applied =
        pool.withTransaction(
                c ->
                    once(c, change, now)
                        .chain(
                            first ->
                                first
                                    ? moveRows(c, ws, merged, survivor, now).replaceWith(true)
                                    : Uni.createFrom().item(false)))
            .await()
            .indefinitely();
    if (applied) {
      Log.debugf("identity change %s applied", change.changeId());
    }
  }

  private Uni<Boolean> once(SqlConnection c, IdentityChange change, Instant now) {
    return c.preparedQuery(
            "insert into act_identity_change (change_id, workspace_id, applied_at) values ($1,"
                + " $2, $3) on conflict do nothing")
        .execute(Tuple.of(change.changeId(), change.workspaceId(), time(now)))
        .map(r -> r.rowCount() > 0);
  }

  private static Uni<Void> moveRows(
      SqlConnection c, String ws, String merged, String survivor, Instant now) {
    Tuple ids = Tuple.of(ws, merged, survivor);
    return c.preparedQuery(
            // earlier merges into the merged profile now point at the survivor
            "update act_profile_alias set survivor_id = $3 where workspace_id = $1 and"
                + " survivor_id = $2")
        .execute(ids)
        .chain(
            () ->
                c.preparedQuery(
                        "insert into act_profile_alias (workspace_id, merged_id, survivor_id,"
                            + " created_at) values ($1, $2, $3, $4) on conflict (workspace_id,"
                            + " merged_id) do update set survivor_id = excluded.survivor_id")
                    .execute(Tuple.of(ws, merged, survivor, time(now))))
        .chain(
            () ->
                c.preparedQuery(
                        "update act_journey j set status = 'CANCELLED', detail = 'merged into"
                            + " the survivor, which runs or left this campaign', updated_at = $4"
                            + " where j.workspace_id = $1 and j.profile_id = $2 and j.status in"
                            + " ('RUNNING', 'WAITING') and (exists (select 1 from act_journey s"
                            + " where s.workspace_id = $1 and s.campaign_id = j.campaign_id and"
                            + " s.profile_id = $3 and s.status in ('RUNNING', 'WAITING')) or exists"
                            + " (select 1 from act_exit_seen x where x.workspace_id = $1 and"
                            + " x.campaign_id = j.campaign_id and x.profile_id = $3 and x.at >="
                            + " j.created_at))")
                    .execute(Tuple.of(ws, merged, survivor, time(now))))
        .chain(
            () ->
                c.preparedQuery(
                        "update act_journey set profile_id = $3 where workspace_id = $1 and"
                            + " profile_id = $2")
                    .execute(ids))
        .chain(
            () ->
                c.preparedQuery(
                        "update act_delivery set profile_id = $3 where workspace_id = $1 and"
                            + " profile_id = $2")
                    .execute(ids))
        .chain(
            () ->
                c.preparedQuery(
                        // a refusal of either person's profile holds for the merged person
                        "insert into act_suppression (workspace_id, profile_id, category,"
                            + " created_at) select workspace_id, $3, category, created_at from"
                            + " act_suppression where workspace_id = $1 and profile_id = $2 on"
                            + " conflict do nothing")
                    .execute(ids))
        .chain(
            () ->
                c.preparedQuery(
                        "insert into act_exit_seen (workspace_id, campaign_id, profile_id, at)"
                            + " select workspace_id, campaign_id, $3, at from act_exit_seen where"
                            + " workspace_id = $1 and profile_id = $2 on conflict (workspace_id,"
                            + " campaign_id, profile_id) do update set at = greatest"
                            + "(act_exit_seen.at, excluded.at)")
                    .execute(ids))
        .replaceWithVoid();
  }

  private void unmerge(IdentityChange change) {
    pool.preparedQuery(
            "delete from act_profile_alias where workspace_id = $1 and merged_id = $2 and"
                + " survivor_id = $3")
        .executeAndAwait(
            Tuple.of(change.workspaceId(), change.mergedProfileId(), change.survivorProfileId()));
  }
}
