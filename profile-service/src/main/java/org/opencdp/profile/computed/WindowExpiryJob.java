package org.opencdp.profile.computed;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.opencdp.profile.config.ProfileConfig;
import org.opencdp.profile.profile.ProfileRefresher;
import org.opencdp.profile.profile.ProfileStore;

/**
 * Keeps sliding windows correct without a nightly batch: every profile records when its oldest day
 * bucket leaves its window ({@code nextExpiry}); this job refreshes exactly those profiles, which
 * publishes ProfileChanged for the computed traits whose value moved.
 */
@ApplicationScoped
public class WindowExpiryJob {
  private final ProfileStore profiles;
  private final ProfileRefresher refresher;
  private final Clock clock;
  private final int batchSize;

  WindowExpiryJob(
      ProfileStore profiles, ProfileRefresher refresher, Clock clock, ProfileConfig config) {
    this.profiles = profiles;
    this.refresher = refresher;
    this.clock = clock;
    this.batchSize = config.computed().expiryBatchSize();
  }

  @Scheduled(
      every = "${cdp.profile.computed.expiry-interval:60s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      skipExecutionIf = Scheduled.ApplicationNotRunning.class)
  Uni<Void> scheduled() {
    return runOnce()
        .onFailure()
        .invoke(f -> Log.warnf("window expiry run failed: %s", f.getClass().getSimpleName()))
        .onFailure()
        .recoverWithNull()
        .replaceWithVoid();
  }

  /** Refreshes the profiles due now; returns how many were refreshed. */
  public Uni<Integer> runOnce() {
    return profiles
        .dueForExpiry(clock.instant(), batchSize)
        .chain(
            due ->
                Multi.createFrom()
                    .iterable(due)
                    .onItem()
                    .transformToUniAndConcatenate(
                        doc ->
                            refresher.refresh(
                                doc.getString("workspaceId"), doc.getString("profileId")))
                    .collect()
                    .asList()
                    .map(java.util.List::size));
  }
}
