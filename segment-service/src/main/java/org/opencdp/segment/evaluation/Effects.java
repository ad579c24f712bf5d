package org.opencdp.segment.evaluation;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.opencdp.segment.config.Contexts;
import org.opencdp.segment.membership.MembershipCache;
import org.opencdp.segment.membership.MembershipChangeEntity;
import org.opencdp.segment.membership.MembershipChangeRepository;
import org.opencdp.segment.messaging.MembershipPublisher;

/**
 * What follows an evaluation: Redis membership and timers (inside its transaction), then the Kafka
 * messages of the outbox rows (after the commit). A Redis failure fails the caller (the message is
 * retried; redelivery re-syncs the profile); a Kafka failure leaves the rows for the {@link
 * OutboxRelay}.
 */
@ApplicationScoped
public class Effects {
  private final MembershipCache cache;
  private final MembershipPublisher publisher;
  private final MembershipChangeRepository changes;
  private final SegmentMetrics metrics;
  private final Contexts contexts;

  public Effects(
      MembershipCache cache,
      MembershipPublisher publisher,
      MembershipChangeRepository changes,
      SegmentMetrics metrics,
      Contexts contexts) {
    this.cache = cache;
    this.publisher = publisher;
    this.changes = changes;
    this.metrics = metrics;
    this.contexts = contexts;
  }

  /**
   * Redis membership and timers, called inside the evaluation's transaction while its profile rows
   * are locked. After the commit would be too late: two transactions on one profile (an event and a
   * profile change arrive on different consumers) commit in lock order, but their Redis writes
   * could land in the other order, and the older state would win in Redis. A Redis failure rolls
   * the transaction back (the input is retried).
   */
  public Uni<Void> applyToRedis(Evaluation evaluation) {
    // membership and timer writes go in one pipeline
    return cache.sync(evaluation.desired.values(), evaluation.rewriteCache, evaluation.timers);
  }

  /**
   * After the commit: the Kafka messages of the outbox rows, sent in the background (the rows are
   * durable, so the input need not wait for Kafka's acknowledgement).
   */
  public void afterCommit(Evaluation evaluation) {
    evaluation.changes.forEach(c -> metrics.changed(c.kind.name()));
    if (!evaluation.changes.isEmpty()) {
      List<MembershipChangeEntity> rows = List.copyOf(evaluation.changes);
      contexts.run(() -> publish(rows)).subscribe().with(ignored -> {}, failure -> {});
    }
  }

  /** Publishes in order, then marks the acknowledged ones; failures wait for the relay. */
  public Uni<Void> publish(List<MembershipChangeEntity> rows) {
    if (rows.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    List<String> sent = new ArrayList<>();
    return Multi.createFrom()
        .iterable(List.copyOf(rows))
        .onItem()
        // subscribed in order, so the producer receives (and keeps per partition) this order
        .transformToUni(
            row ->
                publisher
                    .publish(row.toMessage())
                    .invoke(
                        () -> {
                          synchronized (sent) {
                            sent.add(row.changeId);
                          }
                        }))
        .merge(256)
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
        .chain(() -> sent.isEmpty() ? Uni.createFrom().voidItem() : markPublished(sent));
  }

  private Uni<Void> markPublished(List<String> ids) {
    Uni<Void> chain = Uni.createFrom().voidItem();
    for (int from = 0; from < ids.size(); from += 1000) {
      List<String> part = List.copyOf(ids.subList(from, Math.min(ids.size(), from + 1000)));
      chain =
          chain.chain(
              () -> Panache.withTransaction(() -> changes.markPublished(part)).replaceWithVoid());
    }
    return chain;
  }
}
