package org.opencdp.identity.service;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.opencdp.identity.config.IdentityConfig;
import org.opencdp.identity.store.ErasedIdentifierRepository;

/**
 * Deletes erased-identifier records older than {@code cdp.identity.erased-retention}: even a keyed
 * hash of the person is kept only as long as events of theirs can still be in flight.
 */
@ApplicationScoped
public class ErasedIdentifierCleanup {
  private final ErasedIdentifierRepository erased;
  private final IdentityConfig config;

  public ErasedIdentifierCleanup(ErasedIdentifierRepository erased, IdentityConfig config) {
    this.erased = erased;
    this.config = config;
  }

  @Scheduled(every = "${cdp.identity.cleanup-interval:1h}", delayed = "1m")
  public Uni<Void> deleteExpired() {
    Instant cutoff = Instant.now().minus(config.erasedRetention());
    return Panache.withTransaction(() -> erased.deleteErasedBefore(cutoff))
        .invoke(deleted -> Log.debugf("deleted %d expired erased-identifier records", deleted))
        .replaceWithVoid();
  }
}
