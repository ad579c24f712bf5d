package org.opencdp.segment.job;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Objects;

/** A background job over a workspace's profiles, with its progress. */
@Entity
@Table(
    name = "segment_job",
    indexes = @Index(name = "segment_job_ws", columnList = "workspaceId,createdAt"))
public class JobEntity {
  public enum Kind {
    /** Evaluate a created/changed segment (and the segments referencing it) for every profile. */
    BACKFILL,
    /** Exit every member of a deleted segment, then delete its definition. */
    DELETE,
    /** Rebuild the Redis cache of a workspace from PostgreSQL and reschedule the timers. */
    REBUILD
  }

  public enum Status {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED
  }

  @Id public String id;

  @Column(nullable = false)
  public String workspaceId;

  @Enumerated(EnumType.STRING)
  public Kind kind;

  public String segmentId;
  public long segmentVersion;

  @Enumerated(EnumType.STRING)
  public Status status;

  /** Live profiles of the workspace when the job started. */
  public long total;

  public long processed;
  public long entered;
  public long exited;

  /** Key of the last processed profile: a restarted job resumes after it. */
  public String cursor;

  @Column(length = 500)
  public String error;

  public Instant createdAt;
  public Instant startedAt;
  public Instant finishedAt;

  @Override
  public boolean equals(Object o) {
    return o instanceof JobEntity other && id != null && id.equals(other.id);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(id);
  }
}
