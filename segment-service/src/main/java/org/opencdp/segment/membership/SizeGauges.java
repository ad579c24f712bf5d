package org.opencdp.segment.membership;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.opencdp.segment.definition.CompiledSegment;
import org.opencdp.segment.definition.SegmentCatalog;
import org.opencdp.segment.evaluation.SegmentMetrics;

/** Refreshes the {@code segment_members} gauges from Redis (SCARD) for the known segments. */
@ApplicationScoped
public class SizeGauges {
  private final SegmentCatalog catalog;
  private final MembershipCache cache;
  private final SegmentMetrics metrics;

  public SizeGauges(SegmentCatalog catalog, MembershipCache cache, SegmentMetrics metrics) {
    this.catalog = catalog;
    this.cache = cache;
    this.metrics = metrics;
  }

  @Scheduled(
      every = "${cdp.segment.metrics.size-interval:15s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      skipExecutionIf = Scheduled.ApplicationNotRunning.class)
  public Uni<Void> refresh() {
    return Multi.createFrom()
        .iterable(catalog.knownWorkspaces())
        .onItem()
        .transformToIterable(ws -> catalog.cached(ws).all())
        .onItem()
        .transformToUniAndConcatenate(
            (CompiledSegment s) ->
                cache
                    .count(s.workspaceId(), s.id())
                    .invoke(size -> metrics.segmentSize(s.workspaceId(), s.id(), size)))
        .collect()
        .last()
        .replaceWithVoid()
        .onFailure()
        .recoverWithItem(
            failure -> {
              Log.warnf("segment size refresh failed: %s", failure.getClass().getSimpleName());
              return null;
            });
  }
}
