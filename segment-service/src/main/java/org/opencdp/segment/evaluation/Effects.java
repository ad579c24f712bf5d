package org.opencdp.segment.evaluation;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.opencdp.segment.membership.MembershipCache;
import org.opencdp.segment.membership.MembershipChangeEntity;
import org.opencdp.segment.membership.MembershipChangeRepository;
import org.opencdp.segment.membership.Timers;
import org.opencdp.segment.messaging.MembershipPublisher;

/**
 * What follows a committed evaluation: Redis membership and timers, then the Kafka messages of the
 * outbox rows. A Redis failure fails the caller (the message is retried; redelivery re-syncs the
 * profile); a Kafka failure leaves the rows for the {@link OutboxRelay}.
 */
@ApplicationScoped
public class Effects {
  private final MembershipCache cache;
  private final Timers timers;
  private final MembershipPublisher publisher;
  private final MembershipChangeRepository changes;
  private final SegmentMetrics metrics;

  public Effects(
      MembershipCache cache,
      Timers timers,
      MembershipPublisher publisher,
      MembershipChangeRepository changes,
      SegmentMetrics metrics) {
    this.cache = cache;
    this.timers = timers;
    this.publisher = publisher;
    this.changes = changes;
    this.metrics = metrics;
  }

  public Uni<Void> apply(Evaluation evaluation) {
    evaluation.changes.forEach(c -> metrics.changed(c.kind.name()));
    return cache
        .sync(evaluation.desired)
        .chain(() -> timers.apply(evaluation.timers))
        .chain(() -> publish(evaluation.changes));
  }

  /** Publishes in order, then marks the acknowledged ones; failures wait for the relay. */
  public Uni<Void> publish(List<MembershipChangeEntity> rows) {
    if (rows.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    List<String> sent = new ArrayList<>();
    return Multi.createFrom()
        .iterable(rows)
        .onItem()
        .transformToUniAndConcatenate(
            row -> publisher.publish(row.toMessage()).invoke(() -> sent.add(row.changeId)))
        .collect()
        .last()
        .replaceWithVoid()
        .onFailure()
        .recoverWithItem(
            failure -> {
              Log.warnf(
                  "membership messages not yet published, the relay retries: %s",
                  failure.getClass().getSimpleName());
              return null;
            })
        .chain(
            () ->
                sent.isEmpty()
                    ? Uni.createFrom().voidItem()
                    : Panache.withTransaction(() -> changes.markPublished(sent)).replaceWithVoid());
  }
}
