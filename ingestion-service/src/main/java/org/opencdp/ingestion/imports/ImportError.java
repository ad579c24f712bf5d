package org.opencdp.ingestion.imports;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

/** Why one row of an import was refused; downloadable per job. */
@Entity
@Table(
    name = "import_error",
    indexes = @Index(name = "import_error_by_job", columnList = "job_id, row_number"))
public class ImportError {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "job_id", nullable = false)
  public String jobId;

  @Column(name = "row_number", nullable = false)
  public int rowNumber;

  @Column(nullable = false, columnDefinition = "text")
  public String reason;
}
