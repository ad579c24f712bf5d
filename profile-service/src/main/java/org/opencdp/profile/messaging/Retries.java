package org.opencdp.profile.messaging;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import java.time.Duration;

/** Retry policy of the consumers: poison never, anything else with exponential back-off. */
final class Retries {
  private Retries() {}

  static Uni<Void> transient_(Uni<Void> work, int maxRetries) {
    return withBackOff(work, maxRetries)
        .onFailure()
        .invoke(failure -> Log.errorf("message dead-lettered: %s", describe(failure)));
  }

  /** {@code work} retried unless poison; fails with the last failure when the retries are spent. */
  static <T> Uni<T> withBackOff(Uni<T> work, int maxRetries) {
    return work.onFailure(failure -> !(failure instanceof PoisonMessage))
        .invoke(
            failure ->
                Log.warnf("transient failure, retrying: %s", failure.getClass().getSimpleName()))
        .onFailure(failure -> !(failure instanceof PoisonMessage))
        .retry()
        .withBackOff(Duration.ofMillis(100), Duration.ofSeconds(10))
        .atMost(maxRetries);
  }

  static String describe(Throwable failure) {
    return failure instanceof PoisonMessage
        ? failure.getMessage()
        : failure.getClass().getSimpleName();
  }
}
