package org.opencdp.profile.profile;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.opencdp.profile.config.ProfileConfig;

/**
 * Clears the outboxes {@link FinishedOutboxes} holds once they are {@code
 * cdp.profile.outbox.clear-delay} old, in one bulk write (each under its version: a profile written
 * since keeps its newer outbox). The delay must stay well under {@code
 * cdp.profile.outbox.relay-after}, or the relay would look at outboxes that are already finished.
 */
@ApplicationScoped
public class FinishedOutboxCleaner {
  private final FinishedOutboxes finished;
  private final ProfileStore profiles;
  private final Clock clock;
  private final Duration delay;

  FinishedOutboxCleaner(
      FinishedOutboxes finished, ProfileStore profiles, Clock clock, ProfileConfig config) {
    this.finished = finished;
    this.profiles = profiles;
    this.clock = clock;
    this.delay = config.outbox().clearDelay();
  }

  @Scheduled(
      every = "${cdp.profile.outbox.clear-delay:5s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      skipExecutionIf = Scheduled.ApplicationNotRunning.class)
  Uni<Void> scheduled() {
    return runOnce(clock.instant().minus(delay))
        .onFailure()
        .invoke(
            f ->
                Log.warnf(
                    "finished outboxes not cleared (%s); the next run tries again",
                    f.getClass().getSimpleName()))
        .onFailure()
        .recoverWithNull()
        .replaceWithVoid();
  }

  /** Clears the outboxes finished before {@code cutoff}; returns how many. */
  public Uni<Integer> runOnce(Instant cutoff) {
    List<FinishedOutboxes.Finished> due = finished.finishedBefore(cutoff);
    if (due.isEmpty()) {
      return Uni.createFrom().item(0);
    }
    return profiles
        .clearFinishedOutboxes(due)
        .invoke(() -> finished.cleared(due))
        .replaceWith(due.size());
  }
}
