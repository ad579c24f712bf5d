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
import java.util.concurrent.CompletionStage;
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
  static final String ADDRESS_REFUSED = "destination address refused";

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
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      skipExecutionIf = Scheduled.ApplicationNotRunning.class)
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
          int batch = senders.get(destination.type()).batchSize(destination);
          return new Lane(
              destination,
              inFlightLimit(destination, batch, config.concurrency()),
              config.queueCapacity(),
              batch,
              existing != null
                  ? existing.breaker
                  : new CircuitBreaker(config.breakerFailures(), config.breakerOpen()),
              handler);
        });
  }

  /**
   * Calls a destination may have in flight: its {@code maxConcurrency} (1 to 64), one for batching
   * senders (audience sync).
   */
  static int inFlightLimit(Destination destination, int batchSize, int fallback) {
    return batchSize > 1
        ? 1
        : Math.max(1, Math.min(64, destination.integer("maxConcurrency", fallback)));
  }

  private final Lane.Handler handler =
      new Lane.Handler() {
        @Override
        public List<Delivery> admit(Lane lane, List<Delivery> taken) {
          return Dispatcher.this.admit(lane, taken);
        }

        @Override
        public CompletionStage<?> send(Lane lane, List<Delivery> call) {
          return Dispatcher.this.send(lane, call);
        }
      };

  /**
   * Runs on the lane's feeder: what may be sent now; the others are put back, skipped or failed.
   */
  private List<Delivery> admit(Lane lane, List<Delivery> taken) {
    Destination destination = lane.destination;
    Instant wall = Instant.now();
    Duration timeout = destination.timeout(config.timeout());
    List<Delivery> batch = new ArrayList<>();
    for (Delivery d : taken) {
      // a copy whose claim is (nearly) over may have been taken over: the new claim sends it
      if (d.leaseUntil() != null && d.leaseUntil().isAfter(wall.plus(timeout))) {
        batch.add(d);
      }
    }
    if (batch.isEmpty()) {
      return batch;
    }
    // checked again at send time: what the host name resolves to may have changed since it was
    // saved (HTTP senders also connect to the address checked right before their call)
    Optional<String> refused = guard.refuse(destination.type(), destination.config(), false);
    if (refused.isPresent()) {
      batch.forEach(d -> giveUp(d, d.attempts() + 1, ADDRESS_REFUSED));
      return List.of();
    }
    Instant now = clock.instant();
    List<Delivery> admitted = new ArrayList<>();
    for (Delivery d : batch) {
      Instant blocked = lane.breaker.blockedUntil(now);
      if (blocked != null) {
        store.retry(d.id(), d.attempts(), blocked, "circuit open", now);
      } else {
        admitted.add(d);
      }
    }
    if (destination.type().personal() && !admitted.isEmpty()) {
      // consent may have been refused while the message waited (quiet hours, retries)
      Map<ProfileStore.GateKey, ProfileStore.Gate> gates =
          profiles.gates(admitted.stream().map(Dispatcher::gateKey).toList());
      admitted.removeIf(
          d -> {
            ProfileStore.Gate gate = gates.get(gateKey(d));
            boolean allowed = gate != null && gate.consented(d.consentCategory());
            if (!allowed && store.finish(d.id(), "SKIPPED", "no consent", d.attempts(), now)) {
              results.publish(d, DeliveryResult.Status.SKIPPED, "no consent", null);
            }
            return !allowed;
          });
    }
    return admitted;
  }

  private static ProfileStore.GateKey gateKey(Delivery d) {
    return new ProfileStore.GateKey(d.workspaceId(), d.profileId(), d.consentCategory());
  }

  /** Starts one call without blocking; its outcome is recorded on the lane's outcome thread. */
  private CompletionStage<?> send(Lane lane, List<Delivery> call) {
    Destination destination = lane.destination;
    Timer.Sample sample = Timer.start(metrics);
    return senders
        .get(destination.type())
        .send(destination, call)
        .exceptionally(e -> Outcome.retryable("send failed: " + e.getClass().getSimpleName()))
        .thenAcceptAsync(
            outcome -> {
              sample.stop(
                  metrics.timer(
                      "cdp.activation.send",
                      "channel",
                      destination.type().channel(),
                      "outcome",
                      outcome.ok() ? "ok" : "failed"));
              record(lane, call, outcome);
            },
            lane.outcomes());
  }

  private void record(Lane lane, List<Delivery> call, Outcome outcome) {
    Instant after = clock.instant();
    if (outcome.ok()) {
      lane.breaker.success();
      for (Delivery d : call) {
        finisher.succeeded(d, outcome.status(), d.attempts() + 1, after);
      }
      return;
    }
    lane.breaker.failure(after);
    for (Delivery d : call) {
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
