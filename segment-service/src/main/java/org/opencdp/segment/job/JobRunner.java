package org.opencdp.segment.job;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.opencdp.contracts.SegmentMembershipChanged.Kind;
import org.opencdp.segment.config.Contexts;
import org.opencdp.segment.config.SegmentConfig;
import org.opencdp.segment.definition.CompiledSegment;
import org.opencdp.segment.definition.SegmentCatalog;
import org.opencdp.segment.definition.SegmentEntity;
import org.opencdp.segment.definition.SegmentRepository;
import org.opencdp.segment.definition.WorkspaceSegments;
import org.opencdp.segment.evaluation.Effects;
import org.opencdp.segment.evaluation.Evaluation;
import org.opencdp.segment.evaluation.SegmentMetrics;
import org.opencdp.segment.membership.MembershipCache;
import org.opencdp.segment.membership.MembershipChangeRepository;
import org.opencdp.segment.profile.ProfileState;
import org.opencdp.segment.profile.ProfileStateCodec;
import org.opencdp.segment.profile.ProfileStateEntity;
import org.opencdp.segment.profile.ProfileStateRepository;

/**
 * Runs backfill, delete and rebuild jobs over the profiles the service holds, one page of locked
 * rows per transaction (real-time evaluation of those profiles waits for the page), with the
 * progress written in the same transaction. Unfinished jobs resume after a restart from their
 * cursor.
 */
@ApplicationScoped
public class JobRunner {
  private final JobRepository jobs;
  private final ProfileStateRepository profiles;
  private final ProfileStateCodec codec;
  private final SegmentRepository segmentRepository;
  private final SegmentCatalog catalog;
  private final MembershipChangeRepository history;
  private final MembershipCache cache;
  private final Effects effects;
  private final SegmentMetrics metrics;
  private final Contexts contexts;
  private final Clock clock;
  private final int pageSize;

  public JobRunner(
      JobRepository jobs,
      ProfileStateRepository profiles,
      ProfileStateCodec codec,
      SegmentRepository segmentRepository,
      SegmentCatalog catalog,
      MembershipChangeRepository history,
      MembershipCache cache,
      Effects effects,
      SegmentMetrics metrics,
      Contexts contexts,
      Clock clock,
      SegmentConfig config) {
    this.jobs = jobs;
    this.profiles = profiles;
    this.codec = codec;
    this.segmentRepository = segmentRepository;
    this.catalog = catalog;
    this.history = history;
    this.cache = cache;
    this.effects = effects;
    this.metrics = metrics;
    this.contexts = contexts;
    this.clock = clock;
    this.pageSize = config.backfill().pageSize();
  }

  /** A queued job row; persist it in the caller's transaction, then {@link #launch} it. */
  public JobEntity newJob(
      String workspaceId, JobEntity.Kind kind, String segmentId, long segmentVersion) {
    JobEntity job = new JobEntity();
    job.id = UUID.randomUUID().toString();
    job.workspaceId = workspaceId;
    job.kind = kind;
    job.segmentId = segmentId;
    job.segmentVersion = segmentVersion;
    job.status = JobEntity.Status.QUEUED;
    job.createdAt = clock.instant();
    job.cursor = "";
    return job;
  }

  /** Starts a committed job in the background. */
  public void launch(String jobId) {
    contexts
        .run(() -> execute(jobId))
        .subscribe()
        .with(
            ignored -> {},
            failure -> Log.errorf("job %s failed: %s", jobId, failure.getClass().getSimpleName()));
  }

  void resume(@Observes StartupEvent startup) {
    contexts
        .run(() -> Panache.withSession(jobs::unfinished))
        .subscribe()
        .with(
            unfinished -> unfinished.forEach(job -> launch(job.id)),
            failure -> Log.warnf("cannot resume jobs: %s", failure.getClass().getSimpleName()));
  }

  private Uni<Void> execute(String jobId) {
    return Panache.withTransaction(
            () ->
                jobs.findById(jobId)
                    .chain(
                        job ->
                            profiles
                                .countLive(job.workspaceId)
                                .invoke(
                                    total -> {
                                      job.status = JobEntity.Status.RUNNING;
                                      job.startedAt = clock.instant();
                                      job.total = total;
                                    })
                                .replaceWith(job)))
        .chain(
            job ->
                job.kind == JobEntity.Kind.REBUILD && job.processed == 0
                    ? cache.clear(job.workspaceId).replaceWith(job)
                    : Uni.createFrom().item(job))
        .chain(job -> pages(jobId))
        .chain(() -> finish(jobId, null))
        .onFailure()
        .call(failure -> finish(jobId, failure));
  }

  private Uni<Void> pages(String jobId) {
    return page(jobId).chain(more -> more ? pages(jobId) : Uni.createFrom().voidItem());
  }

  /** One page in one transaction; true when there may be more. */
  private Uni<Boolean> page(String jobId) {
    Evaluation evaluation = new Evaluation(clock.instant());
    boolean[] more = new boolean[1];
    boolean[] rebuild = new boolean[1];
    return Panache.withTransaction(
            () ->
                jobs.findById(jobId)
                    .chain(
                        job ->
                            catalog
                                .of(job.workspaceId)
                                .chain(
                                    segments ->
                                        target(job)
                                            .chain(
                                                deleted ->
                                                    profiles
                                                        .page(
                                                            job.workspaceId,
                                                            job.cursor,
                                                            pageSize,
                                                            true)
                                                        .chain(
                                                            rows -> {
                                                              rebuild[0] =
                                                                  job.kind
                                                                      == JobEntity.Kind.REBUILD;
                                                              more[0] = rows.size() == pageSize;
                                                              apply(
                                                                  job,
                                                                  segments,
                                                                  deleted,
                                                                  rows,
                                                                  evaluation);
                                                              metrics.evaluated(
                                                                  job.kind
                                                                      .name()
                                                                      .toLowerCase(
                                                                          java.util.Locale.ROOT),
                                                                  evaluation.evaluatedCount());
                                                              Uni<Void> written =
                                                                  evaluation.changes().isEmpty()
                                                                      ? Uni.createFrom().voidItem()
                                                                      : history.insertAll(
                                                                          evaluation.changes());
                                                              return written.chain(
                                                                  () ->
                                                                      effects.applyToRedis(
                                                                          evaluation));
                                                            })))))
        .invoke(() -> effects.afterCommit(evaluation))
        .replaceWith(() -> more[0]);
  }

  /** The deleted segment of a DELETE job (compiled even though the catalog no longer has it). */
  private Uni<CompiledSegment> target(JobEntity job) {
    if (job.kind != JobEntity.Kind.DELETE) {
      return Uni.createFrom().nullItem();
    }
    return segmentRepository
        .find(job.workspaceId, job.segmentId)
        .map(row -> row == null ? null : catalog.compile(row));
  }

  private void apply(
      JobEntity job,
      WorkspaceSegments segments,
      CompiledSegment deleted,
      List<ProfileStateEntity> rows,
      Evaluation evaluation) {
    List<CompiledSegment> targets =
        switch (job.kind) {
          case BACKFILL -> segments.withDependents(List.of(job.segmentId));
          case REBUILD -> segments.all();
          case DELETE -> List.of();
        };
    if (job.kind == JobEntity.Kind.REBUILD) {
      evaluation.rewriteCache();
    }
    int changesBefore = evaluation.changes().size();
    for (ProfileStateEntity row : rows) {
      ProfileState state = codec.decode(row);
      String before = row.segments == null ? "" : row.segments;
      if (job.kind == JobEntity.Kind.DELETE) {
        if (deleted != null) {
          evaluation.set(state, deleted, false, "segment deleted");
        } else {
          state.segments.remove(job.segmentId);
        }
      } else {
        evaluation.evaluate(
            state, targets, job.kind == JobEntity.Kind.REBUILD ? "rebuild" : "backfill", false);
      }
      codec.encodeSegments(state, row);
      if (!before.equals(row.segments == null ? "" : row.segments)
          || job.kind != JobEntity.Kind.BACKFILL) {
        evaluation.sync(state);
      }
      job.cursor = row.key;
    }
    job.processed += rows.size();
    for (var change : evaluation.changes().subList(changesBefore, evaluation.changes().size())) {
      if (change.kind == Kind.ENTERED) {
        job.entered++;
      } else {
        job.exited++;
      }
    }
    if (job.kind == JobEntity.Kind.DELETE) {
      for (ProfileStateEntity row : rows) {
        evaluation.cancelTimer(job.workspaceId, job.segmentId, row.profileId);
      }
    }
  }

  private Uni<Void> finish(String jobId, Throwable failure) {
    return Panache.withTransaction(
            () ->
                jobs.findById(jobId)
                    .chain(
                        job -> {
                          job.finishedAt = clock.instant();
                          if (failure != null) {
                            job.status = JobEntity.Status.FAILED;
                            job.error = "failed: " + failure.getClass().getSimpleName();
                            // client-side infrastructure errors (pool/queue full) carry no data
                            Log.errorf(
                                "job %s failed: %s%s",
                                jobId,
                                failure.getClass().getName(),
                                failure instanceof io.vertx.core.impl.NoStackTraceThrowable
                                    ? " " + failure.getMessage()
                                    : "");
                            return Uni.createFrom().voidItem();
                          }
                          job.status = JobEntity.Status.SUCCEEDED;
                          if (job.kind == JobEntity.Kind.DELETE) {
                            return segmentRepository
                                .deleteById(SegmentEntity.key(job.workspaceId, job.segmentId))
                                .replaceWithVoid();
                          }
                          return Uni.createFrom().voidItem();
                        }))
        .invoke(() -> Log.infof("job %s %s", jobId, failure == null ? "succeeded" : "failed"))
        .replaceWithVoid();
  }
}
