package org.opencdp.segment.evaluation;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opencdp.segment.config.Contexts;
import org.opencdp.segment.config.SegmentConfig;
import org.opencdp.segment.membership.Timers;

/**
 * Evaluates due timers: every {@code cdp.segment.timers.poll-interval}, the (segment, profile)
 * pairs whose time has come are re-evaluated (each profile in its own transaction), which either
 * reschedules or cancels them. Several instances may poll: the row lock makes it harmless.
 */
@ApplicationScoped
public class TimerPoller {
  private final Timers timers;
  private final ProfileEvaluator evaluator;
  private final SegmentMetrics metrics;
  private final Contexts contexts;
  private final Clock clock;
  private final int batchSize;

  public TimerPoller(
      Timers timers,
      ProfileEvaluator evaluator,
      SegmentMetrics metrics,
      Contexts contexts,
      Clock clock,
      SegmentConfig config) {
    this.timers = timers;
    this.evaluator = evaluator;
    this.metrics = metrics;
    this.contexts = contexts;
    this.clock = clock;
    this.batchSize = config.timers().batchSize();
  }

  /** Identity of the polling job (operations and tests can pause it through the Scheduler). */
  public static final String JOB = "segment-timer-poller";

  @Scheduled(
      identity = JOB,
      every = "${cdp.segment.timers.poll-interval:1s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      skipExecutionIf = Scheduled.ApplicationNotRunning.class)
  Uni<Void> poll() {
    return runDue()
        .replaceWithVoid()
        .onFailure()
        .recoverWithItem(
            failure -> {
              Log.warnf("timer poll failed: %s", failure.getClass().getSimpleName());
              return null;
            });
  }

  /** Evaluates every timer due now (several batches if needed); returns how many fired. */
  public Uni<Integer> runDue() {
    Instant now = clock.instant();
    return timers
        .earliest()
        .invoke(earliest -> metrics.timerLag(earliest == null ? 0 : now.toEpochMilli() - earliest))
        .chain(() -> timers.due(now, batchSize))
        .chain(
            due -> {
              if (due.isEmpty()) {
                return Uni.createFrom().item(0);
              }
              Map<String, List<Timers.Timer>> byProfile = new LinkedHashMap<>();
              for (Timers.Timer t : due) {
                byProfile
                    .computeIfAbsent(t.workspaceId() + "|" + t.profileId(), k -> new ArrayList<>())
                    .add(t);
              }
              return Multi.createFrom()
                  .iterable(byProfile.values())
                  .onItem()
                  .transformToUni(
                      group -> {
                        Timers.Timer first = group.get(0);
                        List<String> segments =
                            group.stream().map(Timers.Timer::segmentId).toList();
                        return contexts.run(
                            () ->
                                evaluator.onTimers(
                                    first.workspaceId(), first.profileId(), segments));
                      })
                  .merge(8)
                  .collect()
                  .last()
                  .chain(
                      () ->
                          due.size() == batchSize
                              ? runDue().map(more -> more + due.size())
                              : Uni.createFrom().item(due.size()));
            });
  }
}
