package org.opencdp.activation.delivery;

import static org.opencdp.activation.profile.ProfileStore.time;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.opencdp.activation.destination.DestinationType;

/**
 * The delivery table is the durable queue and the delivery log: a row is created once per
 * idempotency key, claimed by a worker with a lease, and ends DELIVERED, SENT, SKIPPED or FAILED
 * (with a dead-letter row). Every API query filters on the workspace.
 */
@ApplicationScoped
public class DeliveryStore {
  /** A row of the delivery log, without the message (personal data). */
  public record LogEntry(
      String id,
      String campaignId,
      String destinationId,
      String profileId,
      String channel,
      String status,
      int attempts,
      String detail,
      Instant createdAt,
      Instant nextAttemptAt,
      Instant doneAt) {}

  /** A dead letter. */
  public record DeadLetter(
      String deliveryId,
      String destinationId,
      String campaignId,
      String reason,
      int attempts,
      Instant deadAt) {}

  /** What the public tracking endpoints need to know about a delivery. */
  public record Tracked(
      String id,
      String workspaceId,
      String campaignId,
      String destinationId,
      String profileId,
      String channel,
      String consentCategory,
      List<String> links) {}

  private final Pool pool;
  private final ObjectMapper json;

  DeliveryStore(Pool pool, ObjectMapper json) {
    this.pool = pool;
    this.json = json;
  }

  /** Inserts a new delivery; false when its idempotency key exists already. */
  public boolean insert(
      Delivery d, String status, Instant nextAttemptAt, String detail, Instant now) {
    return pool.preparedQuery(
                "insert into act_delivery (id, workspace_id, campaign_id, destination_id,"
                    + " profile_id, channel, consent_category, idempotency_key, status, attempts,"
                    + " next_attempt_at, lease_until, payload, detail, created_at, updated_at,"
                    + " done_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11, $12,"
                    + " $13, $14, $14, $15) on conflict (idempotency_key) do nothing")
            .executeAndAwait(
                Tuple.from(
                    Arrays.asList(
                        d.id(),
                        d.workspaceId(),
                        d.campaignId(),
                        d.destinationId(),
                        d.profileId(),
                        d.type().name(),
                        d.consentCategory(),
                        d.idempotencyKey(),
                        status,
                        time(nextAttemptAt),
                        d.leaseUntil() == null ? null : time(d.leaseUntil()),
                        d.message() == null ? null : write(d.message()),
                        detail,
                        time(now),
                        "SKIPPED".equals(status) ? time(now) : null)))
            .rowCount()
        > 0;
  }

  /** A delivery row to create: the delivery, its first status, when it is due and why. */
  public record NewRow(Delivery delivery, String status, Instant nextAttemptAt, String detail) {}

  /** A claimed delivery's end. */
  public record Finish(Delivery delivery, String status, String detail, int attempts, Instant at) {}

  /**
   * Inserts many deliveries in one statement; returns the ids created (an idempotency key that
   * exists already creates nothing).
   */
  public Set<String> insertAll(List<NewRow> rows, Instant now) {
    int n = rows.size();
    String[][] text = new String[11][n];
    OffsetDateTime[] next = new OffsetDateTime[n];
    OffsetDateTime[] lease = new OffsetDateTime[n];
    OffsetDateTime[] done = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      NewRow row = rows.get(i);
      Delivery d = row.delivery();
      text[0][i] = d.id();
      text[1][i] = d.workspaceId();
      text[2][i] = d.campaignId();
      text[3][i] = d.destinationId();
      text[4][i] = d.profileId();
      text[5][i] = d.type().name();
      text[6][i] = d.consentCategory();
      text[7][i] = d.idempotencyKey();
      text[8][i] = row.status();
      text[9][i] = d.message() == null ? null : write(d.message());
      text[10][i] = row.detail();
      next[i] = time(row.nextAttemptAt());
      lease[i] = d.leaseUntil() == null ? null : time(d.leaseUntil());
      done[i] = "SKIPPED".equals(row.status()) ? time(now) : null;
    }
    Set<String> created = new HashSet<>();
    for (Row row :
        pool.preparedQuery(
                "insert into act_delivery (id, workspace_id, campaign_id, destination_id,"
                    + " profile_id, channel, consent_category, idempotency_key, status, attempts,"
                    + " next_attempt_at, lease_until, payload, detail, created_at, updated_at,"
                    + " done_at) select t.id, t.ws, t.campaign, t.destination, t.profile,"
                    + " t.channel, t.category, t.ikey, t.status, 0, t.next_at, t.lease, t.payload,"
                    + " t.detail, $15, $15, t.done from unnest($1::varchar[], $2::varchar[],"
                    + " $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], $7::varchar[],"
                    + " $8::varchar[], $9::varchar[], $10::text[], $11::varchar[],"
                    + " $12::timestamptz[], $13::timestamptz[], $14::timestamptz[]) as t(id, ws,"
                    + " campaign, destination, profile, channel, category, ikey, status, payload,"
                    + " detail, next_at, lease, done) on conflict (idempotency_key) do nothing"
                    + " returning id")
            .executeAndAwait(
                Tuple.from(
                    Arrays.asList(
                        text[0], text[1], text[2], text[3], text[4], text[5], text[6], text[7],
                        text[8], text[9], text[10], next, lease, done, time(now))))) {
      created.add(row.getString("id"));
    }
    return created;
  }

  /**
   * Marks many claimed deliveries done in one statement; returns the ids that were still in flight
   * (the others were finished by another worker already).
   */
  public Set<String> finishAll(List<Finish> finishes) {
    int n = finishes.size();
    String[] ids = new String[n];
    String[] statuses = new String[n];
    String[] details = new String[n];
    Integer[] attempts = new Integer[n];
    OffsetDateTime[] at = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      Finish f = finishes.get(i);
      ids[i] = f.delivery().id();
      statuses[i] = f.status();
      details[i] = f.detail();
      attempts[i] = f.attempts();
      at[i] = time(f.at());
    }
    Set<String> finished = new HashSet<>();
    for (Row row :
        pool.preparedQuery(
                "update act_delivery d set status = t.status, detail = t.detail, attempts ="
                    + " t.attempts, updated_at = t.at, done_at = t.at, lease_until = null from"
                    + " unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::int[],"
                    + " $5::timestamptz[]) as t(id, status, detail, attempts, at) where d.id = t.id"
                    + " and d.status = 'INFLIGHT' returning d.id")
            .executeAndAwait(Tuple.of(ids, statuses, details, attempts, at))) {
      finished.add(row.getString("id"));
    }
    return finished;
  }

  /** Claims due deliveries (and in-flight ones whose lease ran out) for this instance. */
  public List<Delivery> claimDue(Instant now, Instant wallNow, Instant leaseUntil, int limit) {
    RowSet<Row> rows =
        pool.preparedQuery(
                "update act_delivery set status = 'INFLIGHT', lease_until = $3 where id in"
                    + " (select id from act_delivery where (status in ('PENDING', 'RETRY',"
                    + " 'SCHEDULED') and next_attempt_at <= $1) or (status = 'INFLIGHT' and"
                    + " lease_until <= $2) order by next_attempt_at limit $4 for update skip"
                    + " locked) returning *")
            .executeAndAwait(Tuple.of(time(now), time(wallNow), time(leaseUntil), limit));
    List<Delivery> claimed = new ArrayList<>();
    for (Row row : rows) {
      claimed.add(delivery(row));
    }
    return claimed;
  }

  /** Marks a claimed delivery done; false when another worker finished it already. */
  public boolean finish(String id, String status, String detail, int attempts, Instant now) {
    return pool.preparedQuery(
                "update act_delivery set status = $2, detail = $3, attempts = $4,"
                    + " updated_at = $5, done_at = $5, lease_until = null where id = $1"
                    + " and status = 'INFLIGHT'")
            .executeAndAwait(Tuple.of(id, status, detail, attempts, time(now)))
            .rowCount()
        > 0;
  }

  /** Puts a delivery back in the queue for {@code nextAt}. */
  public void retry(String id, int attempts, Instant nextAt, String detail, Instant now) {
    pool.preparedQuery(
            "update act_delivery set status = 'RETRY', attempts = $2, next_attempt_at = $3,"
                + " detail = $4, updated_at = $5, lease_until = null where id = $1"
                + " and status = 'INFLIGHT'")
        .executeAndAwait(Tuple.of(id, attempts, time(nextAt), detail, time(now)));
  }

  /** Gives up: the delivery is FAILED and a dead letter records why. */
  public boolean dead(Delivery d, int attempts, String reason, Instant now) {
    return pool.withTransaction(
            connection ->
                connection
                    .preparedQuery(
                        "update act_delivery set status = 'FAILED', attempts = $2, detail = $3,"
                            + " updated_at = $4, done_at = $4, lease_until = null where id = $1"
                            + " and status = 'INFLIGHT'")
                    .execute(Tuple.of(d.id(), attempts, reason, time(now)))
                    .chain(
                        updated -> {
                          if (updated.rowCount() == 0) {
                            return io.smallrye.mutiny.Uni.createFrom().item(false);
                          }
                          return connection
                              .preparedQuery(
                                  "insert into act_dead_letter (delivery_id, workspace_id,"
                                      + " destination_id, campaign_id, reason, attempts, dead_at)"
                                      + " values ($1, $2, $3, $4, $5, $6, $7) on conflict"
                                      + " (delivery_id) do update set reason = excluded.reason,"
                                      + " attempts = excluded.attempts, dead_at = excluded.dead_at")
                              .execute(
                                  Tuple.from(
                                      List.of(
                                          d.id(),
                                          d.workspaceId(),
                                          d.destinationId(),
                                          d.campaignId(),
                                          reason,
                                          attempts,
                                          time(now))))
                              .map(x -> true);
                        }))
        .await()
        .indefinitely();
  }

  /** Moves dead letters back to the queue with fresh attempts; returns the replayed ids. */
  public List<String> replay(
      String workspaceId, String deliveryId, String destinationId, Instant now) {
    return pool.withTransaction(
            connection ->
                connection
                    .preparedQuery(
                        "delete from act_dead_letter where workspace_id = $1 and ($2::varchar is"
                            + " null or delivery_id = $2) and ($3::varchar is null or"
                            + " destination_id = $3) returning delivery_id")
                    .execute(Tuple.of(workspaceId, deliveryId, destinationId))
                    .chain(
                        deleted -> {
                          List<String> ids = new ArrayList<>();
                          deleted.forEach(r -> ids.add(r.getString("delivery_id")));
                          if (ids.isEmpty()) {
                            return io.smallrye.mutiny.Uni.createFrom().item(ids);
                          }
                          return connection
                              .preparedQuery(
                                  "update act_delivery set status = 'PENDING', attempts = 0,"
                                      + " next_attempt_at = $3, updated_at = $3, done_at = null,"
                                      + " detail = 'replayed' where workspace_id = $1 and id ="
                                      + " any($2)")
                              .execute(Tuple.of(workspaceId, ids.toArray(new String[0]), time(now)))
                              .map(x -> ids);
                        }))
        .await()
        .indefinitely();
  }

  public List<DeadLetter> deadLetters(String workspaceId, int limit) {
    List<DeadLetter> out = new ArrayList<>();
    for (Row row :
        pool.preparedQuery(
                "select * from act_dead_letter where workspace_id = $1 order by dead_at desc"
                    + " limit $2")
            .executeAndAwait(Tuple.of(workspaceId, limit))) {
      out.add(
          new DeadLetter(
              row.getString("delivery_id"),
              row.getString("destination_id"),
              row.getString("campaign_id"),
              row.getString("reason"),
              row.getInteger("attempts"),
              instant(row.getOffsetDateTime("dead_at"))));
    }
    return out;
  }

  public List<LogEntry> log(
      String workspaceId, String campaignId, String profileId, String status, int limit) {
    List<LogEntry> out = new ArrayList<>();
    for (Row row :
        pool.preparedQuery(
                "select * from act_delivery where workspace_id = $1 and ($2::varchar is null or"
                    + " campaign_id = $2) and ($3::varchar is null or profile_id = $3) and"
                    + " ($4::varchar is null or status = $4) order by created_at desc, id limit $5")
            .executeAndAwait(Tuple.of(workspaceId, campaignId, profileId, status, limit))) {
      out.add(
          new LogEntry(
              row.getString("id"),
              row.getString("campaign_id"),
              row.getString("destination_id"),
              row.getString("profile_id"),
              DestinationType.valueOf(row.getString("channel")).channel(),
              row.getString("status"),
              row.getInteger("attempts"),
              row.getString("detail"),
              instant(row.getOffsetDateTime("created_at")),
              instant(row.getOffsetDateTime("next_attempt_at")),
              instant(row.getOffsetDateTime("done_at"))));
    }
    return out;
  }

  /** Counts per status plus opens, clicks and unsubscribes of a campaign. */
  public Map<String, Long> stats(String workspaceId, String campaignId) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String status :
        List.of(
            "PENDING",
            "INFLIGHT",
            "RETRY",
            "SCHEDULED",
            "SENT",
            "DELIVERED",
            "SKIPPED",
            "FAILED")) {
      counts.put(status.toLowerCase(java.util.Locale.ROOT), 0L);
    }
    for (Row row :
        pool.preparedQuery(
                "select status, count(*) as n from act_delivery where workspace_id = $1 and"
                    + " campaign_id = $2 group by status")
            .executeAndAwait(Tuple.of(workspaceId, campaignId))) {
      counts.put(row.getString("status").toLowerCase(java.util.Locale.ROOT), row.getLong("n"));
    }
    for (String kind : List.of("opened", "clicked", "unsubscribed")) {
      counts.put(kind, 0L);
    }
    for (Row row :
        pool.preparedQuery(
                "select kind, count(distinct delivery_id) as n from act_engagement where"
                    + " workspace_id = $1 and campaign_id = $2 group by kind")
            .executeAndAwait(Tuple.of(workspaceId, campaignId))) {
      counts.put(row.getString("kind"), row.getLong("n"));
    }
    return counts;
  }

  public Optional<Tracked> tracked(String deliveryId) {
    RowSet<Row> rows =
        pool.preparedQuery("select * from act_delivery where id = $1")
            .executeAndAwait(Tuple.of(deliveryId));
    if (rows.rowCount() == 0) {
      return Optional.empty();
    }
    Row row = rows.iterator().next();
    Message message = read(row.getString("payload"));
    return Optional.of(
        new Tracked(
            row.getString("id"),
            row.getString("workspace_id"),
            row.getString("campaign_id"),
            row.getString("destination_id"),
            row.getString("profile_id"),
            DestinationType.valueOf(row.getString("channel")).channel(),
            row.getString("consent_category"),
            message == null || message.links() == null ? List.of() : message.links()));
  }

  /** Records an open, click or unsubscribe; true the first time (per link for clicks). */
  public boolean engage(Tracked t, String kind, int link, Instant now) {
    return pool.preparedQuery(
                "insert into act_engagement (delivery_id, kind, link, workspace_id, campaign_id,"
                    + " at) values ($1, $2, $3, $4, $5, $6) on conflict do nothing")
            .executeAndAwait(
                Tuple.from(List.of(t.id(), kind, link, t.workspaceId(), t.campaignId(), time(now))))
            .rowCount()
        > 0;
  }

  private Delivery delivery(Row row) {
    return new Delivery(
        row.getString("id"),
        row.getString("workspace_id"),
        row.getString("campaign_id"),
        row.getString("destination_id"),
        row.getString("profile_id"),
        DestinationType.valueOf(row.getString("channel")),
        row.getString("consent_category"),
        row.getString("idempotency_key"),
        row.getInteger("attempts"),
        read(row.getString("payload")),
        instant(row.getOffsetDateTime("lease_until")));
  }

  private Message read(String payload) {
    if (payload == null) {
      return null;
    }
    try {
      return json.readValue(payload, Message.class);
    } catch (Exception e) {
      throw new IllegalStateException("stored message unreadable", e);
    }
  }

  private String write(Message message) {
    try {
      return json.writeValueAsString(message);
    } catch (Exception e) {
      throw new IllegalStateException("message not writable", e);
    }
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
