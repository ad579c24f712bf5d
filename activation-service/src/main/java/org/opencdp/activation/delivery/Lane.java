package org.opencdp.activation.delivery;

import io.quarkus.logging.Log;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.opencdp.activation.destination.Destination;

/**
 * The isolated worker of one destination: its own bounded queue, its own limit of calls in flight,
 * its own threads and its own circuit breaker, so a slow or failing destination only ever holds up
 * its own deliveries. Calls do not block a thread: one feeder thread takes what is queued while the
 * destination has free in-flight permits, checks it and starts the calls; one outcome thread
 * records what came of them (retries and dead letters write to PostgreSQL, which must not happen on
 * the HTTP client's event loop).
 */
final class Lane {
  /** What the dispatcher does with the deliveries this lane takes. */
  interface Handler {
    /**
     * Checks taken deliveries before sending (address, breaker, consent); deals with those that
     * must not be sent now and returns the others.
     */
    List<Delivery> admit(Lane lane, List<Delivery> taken);

    /** Starts one call; the stage completes once its outcome is recorded. */
    CompletionStage<?> send(Lane lane, List<Delivery> call);
  }

  /** Most deliveries the feeder takes at once when permits are free (one consent query). */
  private static final int MAX_GROUP = 64;

  final Destination destination;
  final CircuitBreaker breaker;
  private final BlockingQueue<Delivery> queue;
  private final Semaphore inFlight;
  private final Executor outcomes;
  private final Thread feeder;
  private final int batchSize;
  private volatile boolean running = true;

  Lane(
      Destination destination,
      int inFlightLimit,
      int capacity,
      int batchSize,
      CircuitBreaker breaker,
      Handler handler) {
    this.destination = destination;
    this.breaker = breaker;
    this.batchSize = batchSize;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.inFlight = new Semaphore(inFlightLimit);
    String name = "lane-" + destination.id().substring(0, 8);
    // one thread, gone when idle: calls still in flight when the lane is replaced are recorded
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            1,
            1,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              Thread thread = new Thread(task, name + "-outcomes");
              thread.setDaemon(true);
              return thread;
            });
    executor.allowCoreThreadTimeOut(true);
    this.outcomes = executor;
    this.feeder = new Thread(() -> loop(handler), name);
    feeder.setDaemon(true);
    feeder.start();
  }

  boolean offer(Delivery delivery) {
    return running && queue.offer(delivery);
  }

  int queued() {
    return queue.size();
  }

  /** Where outcomes of this lane's calls are recorded. */
  Executor outcomes() {
    return outcomes;
  }

  void stop() {
    running = false;
    feeder.interrupt();
  }

  private void loop(Handler handler) {
    while (running) {
      int held = 0;
      try {
        inFlight.acquire();
        held = 1;
        Delivery first = queue.poll(500, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        List<Delivery> taken = new ArrayList<>();
        taken.add(first);
        if (batchSize > 1) {
          gatherBatch(taken);
        } else {
          // more calls while this destination has free permits, checked together
          Delivery next;
          while (taken.size() < MAX_GROUP && inFlight.tryAcquire()) {
            held++;
            next = queue.poll();
            if (next == null) {
              break;
            }
            taken.add(next);
          }
        }
        List<Delivery> admitted = handler.admit(this, taken);
        if (admitted.isEmpty()) {
          continue;
        }
        List<List<Delivery>> calls =
            batchSize > 1 ? List.of(admitted) : admitted.stream().map(List::of).toList();
        for (List<Delivery> call : calls) {
          held--;
          startCall(handler, call);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // the rows stay claimed and are taken over when their lease ends
        Log.errorf("destination %s worker failed: %s", destination.id(), e.getClass().getName());
      } finally {
        if (held > 0) {
          inFlight.release(held);
        }
      }
    }
  }

  private void startCall(Handler handler, List<Delivery> call) {
    CompletionStage<?> done;
    try {
      done = handler.send(this, call);
    } catch (RuntimeException e) {
      inFlight.release();
      throw e;
    }
    done.whenComplete(
        (ignored, error) -> {
          inFlight.release();
          if (error != null) {
            Log.errorf(
                "destination %s outcome not recorded: %s",
                destination.id(), error.getClass().getName());
          }
        });
  }

  /** Audience sync: gathers what arrives within a short linger into one call. */
  private void gatherBatch(List<Delivery> batch) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
    while (batch.size() < batchSize) {
      long left = until - System.nanoTime();
      Delivery next = left <= 0 ? queue.poll() : queue.poll(left, TimeUnit.NANOSECONDS);
      if (next == null) {
        return;
      }
      batch.add(next);
    }
  }
}
