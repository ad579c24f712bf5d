package org.opencdp.activation.config;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * Tables of the hot paths (profile snapshots, journeys, deliveries, dead letters, engagement),
 * written with plain SQL for SKIP LOCKED claims, ON CONFLICT idempotency and partial indexes.
 * Created at startup before the Kafka consumers run. Configuration tables (destinations, campaigns)
 * are Hibernate entities.
 */
@ApplicationScoped
public class Schema {
  static final List<String> DDL =
      List.of(
          """
          create table if not exists act_profile (
            workspace_id varchar(128) not null,
            profile_id varchar(128) not null,
            version bigint not null,
            traits text not null,
            consent text not null,
            identifiers text not null,
            deleted boolean not null default false,
            updated_at timestamptz not null,
            primary key (workspace_id, profile_id))
          """,
          """
          create table if not exists act_membership (
            workspace_id varchar(128) not null,
            profile_id varchar(128) not null,
            segment_id varchar(128) not null,
            since timestamptz not null,
            primary key (workspace_id, profile_id, segment_id))
          """,
          """
          create table if not exists act_suppression (
            workspace_id varchar(128) not null,
            profile_id varchar(128) not null,
            category varchar(128) not null,
            created_at timestamptz not null,
            primary key (workspace_id, profile_id, category))
          """,
          """
          create table if not exists act_journey (
            id varchar(36) primary key,
            workspace_id varchar(128) not null,
            campaign_id varchar(36) not null,
            profile_id varchar(128) not null,
            trigger_key varchar(400) not null,
            step int not null,
            status varchar(16) not null,
            next_at timestamptz not null,
            context text not null,
            waits int not null default 0,
            detail varchar(200),
            created_at timestamptz not null,
            updated_at timestamptz not null)
          """,
          "create unique index if not exists ux_journey_trigger on act_journey (campaign_id, trigger_key)",
          "create unique index if not exists ux_journey_active on act_journey (campaign_id, profile_id)"
              + " where status in ('RUNNING', 'WAITING')",
          "create index if not exists ix_journey_due on act_journey (next_at)"
              + " where status in ('RUNNING', 'WAITING')",
          "create index if not exists ix_journey_profile on act_journey (workspace_id, profile_id)"
              + " where status = 'WAITING'",
          """
          create table if not exists act_delivery (
            id varchar(36) primary key,
            workspace_id varchar(128) not null,
            campaign_id varchar(36) not null,
            destination_id varchar(36) not null,
            profile_id varchar(128) not null,
            channel varchar(16) not null,
            consent_category varchar(128) not null,
            idempotency_key varchar(500) not null unique,
            status varchar(16) not null,
            attempts int not null default 0,
            next_attempt_at timestamptz not null,
            lease_until timestamptz,
            payload text,
            links text,
            detail varchar(400),
            created_at timestamptz not null,
            updated_at timestamptz not null,
            done_at timestamptz)
          """,
          "create index if not exists ix_delivery_due on act_delivery (next_attempt_at)"
              + " where status in ('PENDING', 'RETRY', 'SCHEDULED', 'INFLIGHT')",
          "create index if not exists ix_delivery_campaign on act_delivery"
              + " (workspace_id, campaign_id, created_at)",
          "create index if not exists ix_delivery_profile on act_delivery"
              + " (workspace_id, profile_id, created_at)",
          """
          create table if not exists act_dead_letter (
            delivery_id varchar(36) primary key,
            workspace_id varchar(128) not null,
            destination_id varchar(36) not null,
            campaign_id varchar(36) not null,
            reason varchar(400) not null,
            attempts int not null,
            dead_at timestamptz not null)
          """,
          "create index if not exists ix_dead_ws on act_dead_letter (workspace_id, dead_at)",
          """
          create table if not exists act_engagement (
            delivery_id varchar(36) not null,
            kind varchar(16) not null,
            link int not null default -1,
            workspace_id varchar(128) not null,
            campaign_id varchar(36) not null,
            at timestamptz not null,
            primary key (delivery_id, kind, link))
          """,
          "create index if not exists ix_engagement_campaign on act_engagement"
              + " (workspace_id, campaign_id)",
          // identity merges: old profile id -> survivor, so late messages under the old id follow
          """
          create table if not exists act_profile_alias (
            workspace_id varchar(128) not null,
            merged_id varchar(128) not null,
            survivor_id varchar(128) not null,
            created_at timestamptz not null,
            primary key (workspace_id, merged_id))
          """,
          "create index if not exists ix_alias_survivor on act_profile_alias"
              + " (workspace_id, survivor_id)",
          """
          create table if not exists act_identity_change (
            change_id varchar(64) primary key,
            workspace_id varchar(128) not null,
            applied_at timestamptz not null)
          """,
          // the last exit event (exitOn) per campaign and profile: a merge cancels a moved journey
          // when the survivor exited the campaign after that journey started
          """
          create table if not exists act_exit_seen (
            workspace_id varchar(128) not null,
            campaign_id varchar(36) not null,
            profile_id varchar(128) not null,
            at timestamptz not null,
            primary key (workspace_id, campaign_id, profile_id))
          """,
          "create index if not exists ix_journey_profile on act_journey"
              + " (workspace_id, profile_id)");

  private final Pool pool;

  Schema(Pool pool) {
    this.pool = pool;
  }

  void create(@Observes @Priority(0) StartupEvent start) {
    for (String statement : DDL) {
      pool.query(statement).executeAndAwait();
    }
    Log.info("activation tables ready");
  }
}
