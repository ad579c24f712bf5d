package org.opencdp.ingestion.source;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** Where events come from (a website, an app, a server, a CRM export), with its limits and plan. */
@Entity
@Table(name = "source")
@IdClass(Source.Key.class)
public class Source {
  @Id
  @Column(name = "workspace_id")
  public String workspaceId;

  @Id public String id;

  @Column(nullable = false)
  public String name;

  /** Events per second; null means the gateway default. */
  @Column(name = "rate_limit_per_second")
  public Integer rateLimitPerSecond;

  @Enumerated(EnumType.STRING)
  @Column(name = "plan_mode", nullable = false)
  public PlanMode planMode = PlanMode.ALLOW;

  /** The tracking plan's schemas as JSON ({"events": {name: schema}, "identifyTraits": schema}). */
  @Column(name = "tracking_plan", columnDefinition = "text")
  public String trackingPlan;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  /** What the gateway does with events a tracking plan does not allow. */
  public enum PlanMode {
    /** Accept everything (no plan enforced). */
    ALLOW,
    /** Accept, but record the violations on the event. */
    FLAG,
    /** Refuse unplanned or invalid events (kept in the rejected-events store). */
    BLOCK
  }

  /** Composite primary key: a source id is unique within its workspace. */
  public static class Key implements Serializable {
    public String workspaceId;
    public String id;

    public Key() {}

    public Key(String workspaceId, String id) {
      this.workspaceId = workspaceId;
      this.id = id;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Key key
          && Objects.equals(workspaceId, key.workspaceId)
          && Objects.equals(id, key.id);
    }

    @Override
    public int hashCode() {
      return Objects.hash(workspaceId, id);
    }
  }
}
