package org.opencdp.identity.service;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import java.util.function.Supplier;
import org.opencdp.identity.config.IdentityConfig;
import org.opencdp.identity.store.ErasedIdentifierRepository;
import org.opencdp.identity.store.ProcessedEventRepository;

/**
 * Deletes the records identity keeps only for a while, each kind on its own schedule (every {@code
 * cdp.identity.cleanup-interval}) and in its own transaction:
 *
 * <ul>
 *   <li>idempotency records older than {@code cdp.identity.processed-retention}: a replay older
 *       than that (far beyond any Kafka redelivery) would be resolved again, which is harmless for
 *       the graph but re-publishes the event;
 *   <li>erased-identifier records older than {@code cdp.identity.erased-retention}: even a keyed
 *       hash of the person is kept only as long as events of theirs can still be in flight.
 * </ul>
 */
@ApplicationScoped
public class RetentionCleanup {
  /** One kind of record: its name in the log, how long it is kept, and how older ones go. */
  private record Retained(
      String records, Supplier<Duration> retention, Function<Instant, Uni<Long>> deleteBefore) {

    Uni<Void> deleteExpired() {
      Instant cutoff = Instant.now().minus(retention.get());
      return Panache.withTransaction(() -> deleteBefore.apply(cutoff))
          .invoke(deleted -> Log.debugf("deleted %d expired %s records", deleted, records))
          .replaceWithVoid();
    }
  }

  private final Retained processedEvents;
  private final Retained erasedIdentifiers;

  public RetentionCleanup(
      ProcessedEventRepository processed,
      ErasedIdentifierRepository erased,
      IdentityConfig config) {
    this.processedEvents =
        new Retained(
            "processed-event", config::processedRetention, processed::deleteProcessedBefore);
    this.erasedIdentifiers =
        new Retained("erased-identifier", config::erasedRetention, erased::deleteErasedBefore);
  }

  @Scheduled(
      every = "${cdp.identity.cleanup-interval:1h}",
      delayed = "1m",
      skipExecutionIf = Scheduled.ApplicationNotRunning.class)
  public Uni<Void> deleteExpiredProcessedEvents() {
    return processedEvents.deleteExpired();
  }

  @Scheduled(
      every = "${cdp.identity.cleanup-interval:1h}",
      delayed = "1m",
      skipExecutionIf = Scheduled.ApplicationNotRunning.class)
  public Uni<Void> deleteExpiredErasedIdentifiers() {
    return erasedIdentifiers.deleteExpired();
  }
}
