package org.opencdp.profile.messaging;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.opencdp.profile.config.ProfileConfig;
import org.opencdp.profile.profile.ProfileEvents;

/**
 * Consumes {@code cdp.events.resolved}. One durable write per message; the offset is committed only
 * after the returned Uni completes. Poison messages go to the DLQ at once; transient failures are
 * retried with back-off, then dead-lettered.
 */
@ApplicationScoped
public class ResolvedEventConsumer {
  private final ProfileEvents events;
  private final int maxRetries;

  ResolvedEventConsumer(ProfileEvents events, ProfileConfig config) {
    this.events = events;
    this.maxRetries = config.consumer().maxRetries();
  }

  @Incoming(Channels.EVENTS_RESOLVED)
  public Uni<Void> consume(String payload) {
    return Retries.transient_(Uni.createFrom().deferred(() -> events.apply(payload)), maxRetries);
  }
}
