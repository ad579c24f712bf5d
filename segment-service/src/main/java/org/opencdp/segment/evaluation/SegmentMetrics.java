package org.opencdp.segment.evaluation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service's own metrics: {@code segment_evaluations_total{trigger}} (rate = evaluations/s),
 * {@code segment_changes_total{kind}}, {@code segment_profile_change_seconds} (latency of one
 * profile-change evaluation), {@code segment_timer_lag_seconds} (how late the oldest due timer is),
 * {@code segment_members{workspace,segment}} (segment sizes, refreshed from Redis), {@code
 * segment_input_batch} (records per poll batch of real-time inputs), {@code
 * segment_occurrences_read_total} (stored profiles whose kept occurrences a real-time batch read).
 */
@ApplicationScoped
public class SegmentMetrics {
  private final MeterRegistry registry;
  private final Map<String, Counter> evaluations = new ConcurrentHashMap<>();
  private final Map<String, Counter> changes = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> sizes = new ConcurrentHashMap<>();
  private final AtomicLong timerLagMillis = new AtomicLong();
  private final Timer profileChange;
  private final DistributionSummary inputBatch;
  private final Counter occurrencesRead;

  public SegmentMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("segment.timer.lag", timerLagMillis, v -> v.get() / 1000.0)
        .baseUnit("seconds")
        .description("How late the oldest due segment timer is")
        .register(registry);
    this.profileChange =
        Timer.builder("segment.profile.change")
            .description("Evaluation of one profile change, lock to commit")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    this.inputBatch =
        DistributionSummary.builder("segment.input.batch")
            .description("Records per Kafka poll batch of profile changes or resolved events")
            .register(registry);
    this.occurrencesRead =
        Counter.builder("segment.occurrences.read")
            .description("Stored profiles whose kept event occurrences a real-time batch read")
            .register(registry);
  }

  public void occurrencesRead(int profiles) {
    occurrencesRead.increment(profiles);
  }

  public void inputBatch(int records) {
    inputBatch.record(records);
  }

  public void evaluated(String trigger, int count) {
    evaluations
        .computeIfAbsent(
            trigger,
            t ->
                Counter.builder("segment.evaluations")
                    .description("Segment conditions evaluated against a profile")
                    .tag("trigger", t)
                    .register(registry))
        .increment(count);
  }

  public void changed(String kind) {
    changes
        .computeIfAbsent(
            kind,
            k ->
                Counter.builder("segment.changes")
                    .description("Profiles entering or exiting segments")
                    .tag("kind", k)
                    .register(registry))
        .increment();
  }

  public Timer profileChange() {
    return profileChange;
  }

  public void timerLag(long millis) {
    timerLagMillis.set(Math.max(0, millis));
  }

  public void segmentSize(String workspaceId, String segmentId, long size) {
    sizes
        .computeIfAbsent(
            workspaceId + "/" + segmentId,
            key -> {
              AtomicLong value = new AtomicLong();
              Gauge.builder("segment.members", value, AtomicLong::get)
                  .description("Profiles in the segment (Redis)")
                  .tags(Tags.of("workspace", workspaceId, "segment", segmentId))
                  .register(registry);
              return value;
            })
        .set(size);
  }
}
