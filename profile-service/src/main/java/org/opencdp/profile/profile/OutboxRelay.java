package org.opencdp.profile.profile;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.opencdp.profile.config.ProfileConfig;

/**
 * Finishes outboxes whose ProfileChanged was never acknowledged (crash or broker outage after the
 * profile write): re-reading the profile through {@link ProfileWriter} carries the outbox out
 * again.
 */
@ApplicationScoped
public class OutboxRelay {
  private final ProfileStore profiles;
  private final ProfileWriter writer;
  private final Duration relayAfter;

  OutboxRelay(ProfileStore profiles, ProfileWriter writer, ProfileConfig config) {
    this.profiles = profiles;
    this.writer = writer;
    this.relayAfter = config.outbox().relayAfter();
  }

  @Scheduled(
      every = "${cdp.profile.outbox.relay-interval:30s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      skipExecutionIf = Scheduled.ApplicationNotRunning.class)
  Uni<Void> scheduled() {
    return runOnce(relayAfter)
        .onFailure()
        .invoke(f -> Log.warnf("outbox relay run failed: %s", f.getClass().getSimpleName()))
        .onFailure()
        .recoverWithNull()
        .replaceWithVoid();
  }

  /** Carries out outboxes older than {@code age}; returns how many profiles it visited. */
  public Uni<Integer> runOnce(Duration age) {
    return profiles
        .pendingOutboxes(Instant.now().minus(age), 500)
        .chain(
            due ->
                Multi.createFrom()
                    .iterable(due)
                    .onItem()
                    .transformToUniAndConcatenate(
                        doc ->
                            writer.mutate(
                                doc.getString("workspaceId"),
                                doc.getString("profileId"),
                                p -> Uni.createFrom().item(false)))
                    .collect()
                    .asList()
                    .map(List::size));
  }
}
