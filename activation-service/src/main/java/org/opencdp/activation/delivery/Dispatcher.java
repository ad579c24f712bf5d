package org.opencdp.activation.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.opencdp.activation.config.ActivationConfig;
import org.opencdp.activation.destination.AddressGuard;
import org.opencdp.activation.destination.Destination;
import org.opencdp.activation.destination.DestinationService;
import org.opencdp.activation.destination.DestinationType;
import org.opencdp.activation.profile.ProfileStore;
import org.opencdp.contracts.DeliveryResult;

/**
 * Hands deliveries to their destination's {@link Lane} and records what came of each attempt:
 * retries with exponential backoff and jitter, the circuit breaker, the dead-letter table. A poller
 * claims due rows from PostgreSQL (retries, deferred messages, replays, and rows a crashed instance
 * left in flight).
 */
@ApplicationScoped
public class Dispatcher {
  private final Map<DestinationType, Sender> senders = new EnumMap<>(DestinationType.class);
  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
  private final DeliveryStore store;
  private final DestinationService destinations;
  private final ProfileStore profiles;
  private final ResultPublisher results;
  private final Clock clock;
  private final ActivationConfig.Delivery config;
  private final MeterRegistry metrics;
  private final AddressGuard guard;
  private final Finisher finisher;
  private volatile boolean running = true;

  Dispatcher(
      Instance<Sender> all,
      DeliveryStore store,
      DestinationService destinations,
      ProfileStore profiles,
      ResultPublisher results,
      Clock clock,
      ActivationConfig config,
      MeterRegistry metrics,
      AddressGuard guard) {
    this.guard = guard;
    this.finisher = new Finisher(store, results);
    all.forEach(sender -> senders.put(sender.type(), sender));
    this.store = store;
    this.destinations = destinations;
    this.profiles = profiles;
    this.results = results;
    this.clock = clock;
    this.config = config.delivery();
    this.metrics = metrics;
  }

  /** Wall-clock end of a new claim. */
  public Instant newLease() {
    return Instant.now().plus(config.lease());
  }

  /** Queues a claimed delivery on its destination's worker. */
  public void submit(Delivery delivery) {
    Optional<Destination> destination =
        destinations.find(delivery.workspaceId(), delivery.destinationId());
    if (destination.isEmpty()) {
      giveUp(delivery, delivery.attempts(), "destination deleted");
      return;
    }
    if (!lane(destination.get()).offer(delivery)) {
      // queue full: the row waits in PostgreSQL and is claimed again shortly
      store.retry(
          delivery.id(),
          delivery.attempts(),
          clock.instant().plusSeconds(1),
          "queued",
          clock.instant());
    }
  }

  @Scheduled(
      every = "${cdp.activation.delivery.poll-interval:1s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void poll() {
    if (!running) {
      return;
    }
    try {
      List<Delivery> due = store.claimDue(clock.instant(), Instant.now(), newLease(), 500);
      due.forEach(this::submit);
    } catch (RuntimeException e) {
      Log.errorf("delivery poll failed: %s", e.getClass().getName());
    }
  }

  /** Stops the workers (shutdown, or a simulated crash in tests); rows stay in PostgreSQL. */
  public void stop() {
    running = false;
    lanes.values().forEach(Lane::stop);
    lanes.clear();
  }

  /** Starts again from what PostgreSQL holds. */
  public void start() {
    running = true;
  }

  public boolean breakerOpen(String destinationId) {
    Lane lane = lanes.get(destinationId);
    return lane != null && lane.breaker.isOpen(clock.instant());
  }

  @PreDestroy
  void close() {
    stop();
    finisher.close();
  }

  private Lane lane(Destination destination) {
    return lanes.compute(
        destination.id(),
        (id, existing) -> {
          if (existing != null && existing.destination.version().equals(destination.version())) {
            return existing;
          }
          if (existing != null) {
            existing.stop();
          }
          Sender sender = senders.get(destination.type());
          int batch = sender.batchSize(destination);
          int concurrency =
              batch > 1 ? 1 : destination.integer("maxConcurrency", config.concurrency());
          return new Lane(
              destination,
              Math.max(1, Math.min(64, concurrency)),
              config.queueCapacity(),
              batch,
              existing != null
                  ? existing.breaker
                  : new CircuitBreaker(config.breakerFailures(), config.breakerOpen()),
              this::process);
        });
  }

  private void process(Lane lane, List<Delivery> claimed) {
    Destination destination = lane.destination;
    Instant wall = Instant.now();
    Duration timeout = destination.timeout(config.timeout());
    List<Delivery> batch = new ArrayList<>();
    for (Delivery d : claimed) {
      // a copy whose claim is (nearly) over may have been taken over: the new claim sends it
      if (d.leaseUntil() != null && d.leaseUntil().isAfter(wall.plus(timeout))) {
        batch.add(d);
      }
    }
    // checked again at send time: what the host name resolves to may have changed since it was
    // saved
    Optional<String> refused = guard.refuse(destination.type(), destination.config(), false);
    if (refused.isPresent()) {
      batch.forEach(d -> giveUp(d, d.attempts() + 1, "destination address refused"));
      return;
    }
    Instant now = clock.instant();
    Instant blocked = lane.breaker.blockedUntil(now);
    if (blocked != null) {
      batch.forEach(d -> store.retry(d.id(), d.attempts(), blocked, "circuit open", now));
      return;
    }
    if (destination.type().personal()) {
      // consent may have been refused while the message waited (quiet hours, retries)
      batch.removeIf(
          d -> {
            boolean allowed =
                profiles
                    .gate(d.workspaceId(), d.profileId(), d.consentCategory())
                    .map(g -> g.consented(d.consentCategory()))
                    .orElse(false);
            if (!allowed && store.finish(d.id(), "SKIPPED", "no consent", d.attempts(), now)) {
              results.publish(d, DeliveryResult.Status.SKIPPED, "no consent", null);
            }
            return !allowed;
          });
    }
    if (batch.isEmpty()) {
      return;
    }
    Sender sender = senders.get(destination.type());
    Timer.Sample sample = Timer.start(metrics);
    Outcome outcome = sender.send(destination, batch);
    sample.stop(
        metrics.timer(
            "cdp.activation.send",
            "channel",
            destination.type().channel(),
            "outcome",
            outcome.ok() ? "ok" : "failed"));
    Instant after = clock.instant();
    if (outcome.ok()) {
      lane.breaker.success();
      for (Delivery d : batch) {
        finisher.succeeded(d, outcome.status(), d.attempts() + 1, after);
      }
      return;
    }
    lane.breaker.failure(after);
    for (Delivery d : batch) {
      int attempts = d.attempts() + 1;
      if (!outcome.retryable() || attempts >= config.maxAttempts()) {
        giveUp(d, attempts, outcome.reason());
      } else {
        store.retry(d.id(), attempts, after.plus(backoff(attempts)), outcome.reason(), after);
      }
    }
  }

  private void giveUp(Delivery d, int attempts, String reason) {
    if (store.dead(d, attempts, reason, clock.instant())) {
      results.publish(d, DeliveryResult.Status.FAILED, reason, null);
    }
  }

  Duration backoff(int attempts) {
    return backoff(attempts, config.backoffBase(), config.backoffMax());
  }

  /**
   * Exponential backoff with "equal jitter": the delay doubles per attempt up to {@code max}; half
   * of it is fixed, half random, so retries of many deliveries spread out.
   */
  static Duration backoff(int attempts, Duration base, Duration max) {
    long delay = Math.min(max.toMillis(), base.toMillis() * (1L << Math.min(30, attempts - 1)));
    return Duration.ofMillis(delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1));
  }
}
