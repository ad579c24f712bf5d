package org.opencdp.identity.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;
import org.opencdp.identity.service.resolution.Rejected;
import org.opencdp.identity.service.resolution.Resolution;

/**
 * Counters of the service. Consumer lag is not counted here: the Kafka client metrics ({@code
 * kafka_consumer_fetch_manager_records_lag_max}) are exported by the Micrometer Kafka binder.
 */
/** Registered at startup so that dashboards see the meters (at zero) before the first event. */
@Startup
@ApplicationScoped
public class IdentityMetrics {
  private final MeterRegistry registry;
  private final Timer resolutionTime;
  private final Counter merges;
  private final Counter retries;
  private final Counter deadLetters;
  private final Counter publishFailures;
  private final Counter erasedDropped;
  private final Counter erasedUnlinked;
  private final Counter erasedValuesRemoved;

  public IdentityMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.resolutionTime =
        Timer.builder("cdp.identity.resolution.duration")
            .description("Time to resolve one event, retries included")
            .publishPercentileHistogram()
            .register(registry);
    this.merges =
        Counter.builder("cdp.identity.merges")
            .description("Profiles merged into another")
            .register(registry);
    this.retries =
        Counter.builder("cdp.identity.resolution.retries")
            .description("Resolutions retried after losing a race")
            .register(registry);
    this.deadLetters =
        Counter.builder("cdp.identity.dead.letters")
            .description("Raw events sent to the dead-letter topic")
            .register(registry);
    this.publishFailures =
        Counter.builder("cdp.identity.publish.failures")
            .description(
                "Polls whose records Kafka refused or did not acknowledge in time (sent again,"
                    + " offsets not committed)")
            .register(registry);
    this.erasedDropped = erasedEvents("dropped");
    this.erasedUnlinked = erasedEvents("unlinked");
    this.erasedValuesRemoved =
        Counter.builder("cdp.identity.erased.values.removed")
            .description(
                "Values of erased identifiers removed from events before they were published")
            .register(registry);
  }

  public void erasedValuesRemoved(int count) {
    erasedValuesRemoved.increment(count);
  }

  private Counter erasedEvents(String outcome) {
    return Counter.builder("cdp.identity.events.erased")
        .tag("outcome", outcome)
        .description(
            "Events received before a privacy erasure of identifiers they name, resolved after"
                + " it: dropped (nothing else named, not published) or unlinked (resolved without"
                + " the erased identifiers)")
        .register(registry);
  }

  public void resolved(Resolution resolution, long nanos) {
    resolutionTime.record(nanos, TimeUnit.NANOSECONDS);
    registry
        .counter("cdp.identity.resolutions", "outcome", resolution.outcome().name().toLowerCase())
        .increment();
    merges.increment(
        resolution.outcome() == Resolution.Outcome.REPLAYED ? 0 : resolution.changes().size());
    if (resolution.erasedIdentifiers() > 0) {
      (resolution.outcome() == Resolution.Outcome.ERASED ? erasedDropped : erasedUnlinked)
          .increment();
    }
  }

  public void rejected(Rejected rejected) {
    registry
        .counter("cdp.identity.rule.rejections", "rule", rejected.rule().toLowerCase())
        .increment();
  }

  public void retried() {
    retries.increment();
  }

  public void deadLettered() {
    deadLetters.increment();
  }

  public void publishFailed() {
    publishFailures.increment();
  }
}
