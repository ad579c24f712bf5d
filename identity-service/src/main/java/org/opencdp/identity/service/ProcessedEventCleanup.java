package org.opencdp.identity.service;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.opencdp.identity.config.IdentityConfig;
import org.opencdp.identity.store.ProcessedEventRepository;

/**
 * Deletes idempotency records older than {@code cdp.identity.processed-retention}: a replay older
 * than that (far beyond any Kafka redelivery) would be resolved again, which is harmless for the
 * graph but re-publishes the event.
 */
@ApplicationScoped
public class ProcessedEventCleanup {
  private final ProcessedEventRepository processed;
  private final IdentityConfig config;

  public ProcessedEventCleanup(ProcessedEventRepository processed, IdentityConfig config) {
    this.processed = processed;
    this.config = config;
  }

  @Scheduled(every = "${cdp.identity.cleanup-interval:1h}", delayed = "1m")
  public Uni<Void> deleteExpired() {
    Instant cutoff = Instant.now().minus(config.processedRetention());
    return Panache.withTransaction(() -> processed.deleteProcessedBefore(cutoff))
        .invoke(deleted -> Log.debugf("deleted %d expired processed-event records", deleted))
        .replaceWithVoid();
  }
}
