package org.opencdp.segment.evaluation;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.opencdp.segment.config.Contexts;
import org.opencdp.segment.config.SegmentConfig;
import org.opencdp.segment.membership.MembershipChangeRepository;

/** Publishes membership changes whose first publication was not acknowledged (crash, outage). */
@ApplicationScoped
public class OutboxRelay {
  private final MembershipChangeRepository changes;
  private final Effects effects;
  private final Contexts contexts;
  private final SegmentConfig config;

  public OutboxRelay(
      MembershipChangeRepository changes,
      Effects effects,
      Contexts contexts,
      SegmentConfig config) {
    this.changes = changes;
    this.effects = effects;
    this.contexts = contexts;
    this.config = config;
  }

  @Scheduled(
      every = "${cdp.segment.outbox.relay-interval:10s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      skipExecutionIf = Scheduled.ApplicationNotRunning.class)
  Uni<Void> relay() {
    return contexts
        .run(
            () ->
                Panache.withSession(
                        () ->
                            changes.unpublishedBefore(
                                Instant.now().minus(config.outbox().relayAfter()), 500))
                    .chain(effects::publish))
        .onFailure()
        .recoverWithItem(
            failure -> {
              Log.warnf("outbox relay failed: %s", failure.getClass().getSimpleName());
              return null;
            });
  }
}
