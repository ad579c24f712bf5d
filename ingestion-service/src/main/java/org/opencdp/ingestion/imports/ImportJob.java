package org.opencdp.ingestion.imports;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A bulk import of a CRM or store export. The uploaded content is kept with the job so that a
 * restart resumes it where it stopped; generated message ids make a resumed chunk a no-op for rows
 * already published.
 */
@Entity
@Table(name = "import_job")
public class ImportJob {
  @Id public String id;

  @Column(name = "workspace_id", nullable = false)
  public String workspaceId;

  @Column(name = "source_id", nullable = false)
  public String sourceId;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  public Kind kind;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  public Format format;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  public Status status;

  @Column(name = "total_rows", nullable = false)
  public int totalRows;

  @Column(name = "rows_done", nullable = false)
  public int rowsDone;

  @Column(name = "rows_failed", nullable = false)
  public int rowsFailed;

  @Column(name = "failure")
  public String failure;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "finished_at")
  public Instant finishedAt;

  @Column(nullable = false, columnDefinition = "text")
  public String content;

  /** Rows are Segment messages (events) or people with traits (profiles, sent as identify). */
  public enum Kind {
    EVENTS,
    PROFILES
  }

  public enum Format {
    CSV,
    NDJSON
  }

  public enum Status {
    QUEUED,
    RUNNING,
    DONE,
    FAILED
  }
}
