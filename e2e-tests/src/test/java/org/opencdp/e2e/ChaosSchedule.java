package org.opencdp.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.opencdp.launcher.ServiceProcess;

/**
 * Crashes the platform's parts one after the other while {@link DrillStream} sends: kill -9 of each
 * service (its JVM and children) then a restart waited for until ready, and a kill -9 and restart
 * of the Kafka broker on the same ports and data.
 *
 * <p>The stream is cut into {@code drills + 1} equal parts of batches. Drill {@code k} starts once
 * the client threads have taken the batches of part {@code k}; only then is part {@code k + 1}
 * released, so each crash and restart overlaps the stream even on a slow machine.
 */
final class ChaosSchedule {
  private static final Duration READY = Duration.ofMinutes(5);
  private static final String KAFKA = "kafka-broker";

  /** One crash: what, when (ms since the stream began), how long until it served again. */
  record Drill(String target, long killedAtMs, long downMs, int batchesTakenAtKill) {}

  private final Platform platform;
  private final DrillStream stream;
  private final List<String> targets;
  private final List<Drill> done = new ArrayList<>();

  ChaosSchedule(Platform platform, DrillStream stream) {
    this.platform = platform;
    this.stream = stream;
    List<String> order = new ArrayList<>(Platform.SERVICES);
    // The broker in the middle, so that consumers restarted before it meet a broker restart too.
    order.add(3, KAFKA);
    this.targets = List.copyOf(order);
  }

  /** Holds the stream at the end of the first part; {@link #run} releases it. */
  void closeGate() {
    stream.openGateTo(boundary(0));
  }

  void run(long streamStartNanos) throws InterruptedException {
    try {
      crashEach(streamStartNanos);
    } finally {
      // a failed drill must not leave the client threads waiting at a closed gate
      stream.openGateTo(stream.batches().size());
    }
  }

  private void crashEach(long streamStartNanos) throws InterruptedException {
    for (int k = 0; k < targets.size(); k++) {
      int boundary = boundary(k);
      while (stream.batchesTaken() < boundary) {
        Thread.sleep(50);
      }
      stream.openGateTo(boundary(k + 1));
      long killedAt = System.nanoTime();
      crashAndRestart(targets.get(k));
      long back = System.nanoTime();
      done.add(
          new Drill(
              targets.get(k),
              (killedAt - streamStartNanos) / 1_000_000,
              (back - killedAt) / 1_000_000,
              boundary));
    }
  }

  private int boundary(int k) {
    int total = stream.batches().size();
    return (int) ((long) total * (k + 1) / (targets.size() + 1));
  }

  private void crashAndRestart(String target) {
    if (target.equals(KAFKA)) {
      platform.kafka().kill();
      platform.kafka().start();
      return;
    }
    ServiceProcess service = platform.service(target);
    service.kill();
    service.restart();
    service.awaitReady(READY);
  }

  List<Drill> drills() {
    return List.copyOf(done);
  }

  List<String> targets() {
    return targets;
  }
}
