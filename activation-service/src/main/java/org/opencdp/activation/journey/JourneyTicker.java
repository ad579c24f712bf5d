package org.opencdp.activation.journey;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The journey timer: every tick it claims due journeys from PostgreSQL and resumes them. It keeps
 * no state of its own, so a restarted instance (or any other instance) carries on from the table.
 */
@ApplicationScoped
public class JourneyTicker {
  /** A RUNNING journey not touched for this long belongs to a crashed instance. */
  static final Duration STALE = Duration.ofMinutes(2);

  private final JourneyStore store;
  private final JourneyEngine engine;
  private final Clock clock;
  private volatile boolean running = true;

  JourneyTicker(JourneyStore store, JourneyEngine engine, Clock clock) {
    this.store = store;
    this.engine = engine;
    this.clock = clock;
  }

  @Scheduled(
      every = "${cdp.activation.journey-tick:1s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      skipExecutionIf = Scheduled.ApplicationNotRunning.class)
  void tick() {
    if (!running) {
      return;
    }
    try {
      Instant now = clock.instant();
      List<Journey> due = store.claimDue(now, now.minus(STALE), 200);
      for (Journey journey : due) {
        engine.resume(journey);
      }
    } catch (RuntimeException e) {
      if (running) {
        Log.errorf("journey tick failed: %s", e.getClass().getName());
      } else {
        // the pool closed under a tick that was running at shutdown: the journeys stay due
        Log.debugf("journey tick interrupted by shutdown: %s", e.getClass().getName());
      }
    }
  }

  void onShutdown(@Observes ShutdownEvent shutdown) {
    stop();
  }

  /** Stops resuming journeys (shutdown, or a simulated crash in tests). */
  public void stop() {
    running = false;
  }

  public void start() {
    running = true;
  }
}
