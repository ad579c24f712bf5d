package org.opencdp.ingestion.imports;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.quarkus.panache.common.Sort;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.opencdp.ingestion.problem.ProblemException;
import org.opencdp.ingestion.source.SourceContext;
import org.opencdp.ingestion.source.SourceRegistry;
import org.opencdp.ingestion.tracking.EventPipeline;
import org.opencdp.ingestion.tracking.Outcome;
import org.opencdp.ingestion.tracking.TrackingRequest;

/**
 * Bulk imports as asynchronous jobs: rows go through the same validation, tracking plan, dedup and
 * Kafka path as SDK calls, in chunks; progress is committed after each chunk so a restart resumes.
 */
@ApplicationScoped
public class ImportJobs implements PanacheRepositoryBase<ImportJob, String> {
  static final int CHUNK = 500;
  static final int MAX_ROWS = 1_000_000;

  private final EventPipeline pipeline;
  private final SourceRegistry sources;

  ImportJobs(EventPipeline pipeline, SourceRegistry sources) {
    this.pipeline = pipeline;
    this.sources = sources;
  }

  @WithTransaction
  public Uni<ImportJob> create(
      String workspaceId,
      String sourceId,
      ImportJob.Kind kind,
      ImportJob.Format format,
      String content) {
    return sources
        .bySource(workspaceId, sourceId)
        .flatMap(
            source -> {
              if (source.isEmpty()) {
                throw ProblemException.notFound("No source " + sourceId + " in this workspace.");
              }
              ImportJob job = new ImportJob();
              job.id = UUID.randomUUID().toString();
              job.workspaceId = workspaceId;
              job.sourceId = sourceId;
              job.kind = kind;
              job.format = format;
              job.status = ImportJob.Status.QUEUED;
              job.content = content;
              job.createdAt = Instant.now();
              job.totalRows = ImportRows.read(format, kind, job.id, content).size();
              if (job.totalRows == 0) {
                throw ProblemException.badRequest("The file has no rows.");
              }
              if (job.totalRows > MAX_ROWS) {
                throw ProblemException.tooLarge(
                    "An import may hold at most " + MAX_ROWS + " rows.");
              }
              return persist(job);
            });
  }

  @WithSession
  public Uni<ImportJob> findInWorkspace(String workspaceId, String jobId) {
    return find("id = ?1 and workspaceId = ?2", jobId, workspaceId)
        .firstResult()
        .onItem()
        .ifNull()
        .failWith(() -> ProblemException.notFound("No import " + jobId + " in this workspace."));
  }

  @WithSession
  public Uni<List<ImportError>> errors(String workspaceId, String jobId) {
    return findInWorkspace(workspaceId, jobId)
        .flatMap(
            job ->
                Panache.getSession()
                    .flatMap(
                        session ->
                            session
                                .createSelectionQuery(
                                    "from ImportError where jobId = ?1 order by rowNumber",
                                    ImportError.class)
                                .setParameter(1, job.id)
                                .getResultList()));
  }

  /** Picks up queued or interrupted jobs, one at a time (also after a restart). */
  @Scheduled(
      every = "${cdp.gateway.import-poll:2s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      skipExecutionIf = Scheduled.ApplicationNotRunning.class)
  Uni<Void> work() {
    return Panache.withSession(
            () ->
                find(
                        "status in ?1",
                        Sort.by("createdAt"),
                        List.of(ImportJob.Status.QUEUED, ImportJob.Status.RUNNING))
                    .firstResult())
        .flatMap(job -> job == null ? Uni.createFrom().voidItem() : run(job.id))
        .onFailure()
        .recoverWithUni(
            failure -> {
              // Kafka or the database unavailable: the job stays RUNNING and the next tick resumes
              // it.
              Log.warnf("import interrupted, will resume: %s", failure.toString());
              return Uni.createFrom().voidItem();
            });
  }

  private Uni<Void> run(String jobId) {
    return Panache.withSession(() -> findById(jobId))
        .flatMap(
            job ->
                sources
                    .bySource(job.workspaceId, job.sourceId)
                    .flatMap(
                        source ->
                            source.isEmpty()
                                ? finish(jobId, ImportJob.Status.FAILED, "The source was deleted.")
                                : runChunks(job, source.get())));
  }

  /**
   * Parses the file once, then publishes the remaining rows chunk by chunk, committing progress.
   */
  private Uni<Void> runChunks(ImportJob job, SourceContext source) {
    List<ImportRows.Row> rows = ImportRows.read(job.format, job.kind, job.id, job.content);
    List<List<ImportRows.Row>> chunks = new ArrayList<>();
    for (int from = job.rowsDone; from < rows.size(); from += CHUNK) {
      chunks.add(rows.subList(from, Math.min(rows.size(), from + CHUNK)));
    }
    return Multi.createFrom()
        .iterable(chunks)
        .onItem()
        .transformToUniAndConcatenate(chunk -> runChunk(job.id, source, chunk))
        .collect()
        .last()
        .flatMap(ignored -> finish(job.id, ImportJob.Status.DONE, null));
  }

  private Uni<Void> runChunk(String jobId, SourceContext source, List<ImportRows.Row> chunk) {
    List<TrackingRequest.RawMessage> messages = new ArrayList<>();
    List<ImportError> errors = new ArrayList<>();
    for (ImportRows.Row row : chunk) {
      if (row.message() == null) {
        errors.add(error(jobId, row.number(), row.error()));
      } else {
        messages.add(new TrackingRequest.RawMessage(row.number(), row.message(), row.bytes()));
      }
    }
    return pipeline
        .validate(source, new TrackingRequest(null, null, null, messages), Instant.now())
        .flatMap(
            sorted -> {
              for (Outcome.Rejected rejected : sorted.rejected()) {
                errors.add(error(jobId, rejected.index(), rejected.reason()));
              }
              return pipeline.publish(source, sorted.accepted());
            })
        .flatMap(
            published ->
                Panache.withTransaction(
                    () ->
                        Panache.getSession()
                            .flatMap(session -> session.persistAll(errors.toArray()))
                            .flatMap(ignored -> findById(jobId))
                            .invoke(
                                job -> {
                                  job.status = ImportJob.Status.RUNNING;
                                  job.rowsDone += chunk.size();
                                  job.rowsFailed += errors.size();
                                })))
        .replaceWithVoid();
  }

  private Uni<Void> finish(String jobId, ImportJob.Status status, String failure) {
    return Panache.withTransaction(
            () ->
                findById(jobId)
                    .invoke(
                        job -> {
                          job.status = status;
                          job.failure = failure;
                          // The file may hold personal data: it is not kept once the job ended.
                          job.content = "";
                          job.finishedAt = Instant.now();
                        }))
        .replaceWithVoid();
  }

  private static ImportError error(String jobId, int row, String reason) {
    ImportError error = new ImportError();
    error.jobId = jobId;
    error.rowNumber = row;
    error.reason = reason;
    return error;
  }
}
