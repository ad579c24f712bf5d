package org.opencdp.activation.delivery;

import io.quarkus.logging.Log;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.opencdp.contracts.DeliveryResult;

/**
 * Records successful sends in batches: the lanes hand over what they sent and go on sending, one
 * thread marks everything that gathered meanwhile in one statement and publishes the results of the
 * rows it finished. Only PostgreSQL is touched here, so no destination can slow it down. Until its
 * row is marked, a delivery stays INFLIGHT under its lease: a crash in between sends it again with
 * the same idempotency key (the window the README describes).
 */
final class Finisher {
  private static final int MAX_BATCH = 1000;
  private static final int ATTEMPTS = 5;

  private record Pending(DeliveryStore.Finish finish, DeliveryResult.Status status) {}

  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final DeliveryStore store;
  private final ResultPublisher results;
  private final Thread thread;
  private volatile boolean running = true;

  Finisher(DeliveryStore store, ResultPublisher results) {
    this.store = store;
    this.results = results;
    this.thread = new Thread(this::loop, "delivery-finisher");
    thread.setDaemon(true);
    thread.start();
  }

  void succeeded(Delivery d, DeliveryResult.Status status, int attempts, java.time.Instant at) {
    queue.add(new Pending(new DeliveryStore.Finish(d, status.name(), null, attempts, at), status));
  }

  /** Finishes what is queued, then stops. */
  void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Pending> rest = new ArrayList<>();
    queue.drainTo(rest);
    if (!rest.isEmpty()) {
      flush(rest);
    }
  }

  private void loop() {
    while (running) {
      try {
        Pending first = queue.poll(500, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        List<Pending> batch = new ArrayList<>();
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        flush(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        Log.errorf("delivery finisher failed: %s", e.getClass().getName());
      }
    }
  }

  private void flush(List<Pending> batch) {
    for (int attempt = 1; ; attempt++) {
      try {
        Set<String> finished = store.finishAll(batch.stream().map(Pending::finish).toList());
        for (Pending p : batch) {
          if (finished.contains(p.finish().delivery().id())) {
            results.publish(p.finish().delivery(), p.status(), null, null);
          }
        }
        return;
      } catch (RuntimeException e) {
        if (attempt >= ATTEMPTS) {
          // the rows stay in flight; their lease ends and they are sent again (same key)
          Log.errorf(
              "%d finished deliveries not recorded: %s", batch.size(), e.getClass().getName());
          return;
        }
        try {
          Thread.sleep(100L << attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
