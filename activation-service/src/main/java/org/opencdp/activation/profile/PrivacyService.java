package org.opencdp.activation.profile;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.opencdp.activation.delivery.FrequencyCaps;
import org.opencdp.contracts.PrivacyRequest;

/**
 * Carries out privacy requests on what this service holds about a person. DELETE and ANONYMIZE
 * erase the snapshot, memberships, journeys, exit records, frequency-cap counters (Redis) and the
 * delivery log with its messages (they hold addresses and rendered content); SUPPRESS refuses every
 * consent category for the person here and cancels running journeys. All of it is idempotent, so a
 * redelivered request is harmless.
 */
@ApplicationScoped
public class PrivacyService {
  /** Category of a refusal that covers every campaign (privacy SUPPRESS). */
  public static final String ALL_CATEGORIES = "*";

  private final Pool pool;
  private final ProfileStore profiles;
  private final FrequencyCaps caps;
  private final Clock clock;

  PrivacyService(Pool pool, ProfileStore profiles, FrequencyCaps caps, Clock clock) {
    this.caps = caps;
    this.pool = pool;
    this.profiles = profiles;
    this.clock = clock;
  }

  public void apply(PrivacyRequest request) {
    String ws = request.workspaceId();
    String profile = request.profileId();
    if (request.kind() == PrivacyRequest.Kind.SUPPRESS) {
      profiles.suppress(ws, profile, ALL_CATEGORIES, clock.instant());
      pool.preparedQuery(
              "update act_journey set status = 'CANCELLED', detail = 'suppressed' where"
                  + " workspace_id = $1 and profile_id = $2 and status in ('RUNNING', 'WAITING')")
          .executeAndAwait(Tuple.of(ws, profile));
      return;
    }
    caps.erase(ws, profile);
    pool.withTransaction(
            c ->
                c.preparedQuery(
                        "delete from act_engagement where delivery_id in (select id from"
                            + " act_delivery where workspace_id = $1 and profile_id = $2)")
                    .execute(Tuple.of(ws, profile))
                    .chain(
                        () ->
                            c.preparedQuery(
                                    "delete from act_dead_letter where delivery_id in (select id"
                                        + " from act_delivery where workspace_id = $1 and"
                                        + " profile_id = $2)")
                                .execute(Tuple.of(ws, profile)))
                    .chain(
                        () ->
                            c.preparedQuery(
                                    "delete from act_delivery where workspace_id = $1 and"
                                        + " profile_id = $2")
                                .execute(Tuple.of(ws, profile)))
                    .chain(
                        () ->
                            c.preparedQuery(
                                    "delete from act_journey where workspace_id = $1 and"
                                        + " profile_id = $2")
                                .execute(Tuple.of(ws, profile)))
                    .chain(
                        () ->
                            c.preparedQuery(
                                    "delete from act_membership where workspace_id = $1 and"
                                        + " profile_id = $2")
                                .execute(Tuple.of(ws, profile)))
                    .chain(
                        () ->
                            c.preparedQuery(
                                    "delete from act_exit_seen where workspace_id = $1 and"
                                        + " profile_id = $2")
                                .execute(Tuple.of(ws, profile)))
                    .chain(
                        () ->
                            c.preparedQuery(
                                    // updated_at = erased at: only a change made after it
                                    // may fill the snapshot again (ProfileStore.applySnapshots)
                                    "update act_profile set traits = '{}', consent = '{}',"
                                        + " identifiers = '[]', deleted = true, updated_at = $3"
                                        + " where workspace_id = $1 and profile_id = $2")
                                .execute(
                                    Tuple.of(ws, profile, ProfileStore.time(clock.instant())))))
        .await()
        .indefinitely();
  }
}
