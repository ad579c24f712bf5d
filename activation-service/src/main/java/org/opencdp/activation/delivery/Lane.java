package org.opencdp.activation.delivery;

import io.quarkus.logging.Log;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.opencdp.activation.destination.Destination;

/**
 * The isolated worker of one destination: its own bounded queue, its own threads and its own
 * circuit breaker, so a slow or failing destination only ever holds up its own deliveries.
 */
final class Lane {
  final Destination destination;
  final CircuitBreaker breaker;
  private final BlockingQueue<Delivery> queue;
  private final List<Thread> threads = new ArrayList<>();
  private final int batchSize;
  private volatile boolean running = true;

  Lane(
      Destination destination,
      int concurrency,
      int capacity,
      int batchSize,
      CircuitBreaker breaker,
      BiConsumer<Lane, List<Delivery>> process) {
    this.destination = destination;
    this.breaker = breaker;
    this.batchSize = batchSize;
    this.queue = new ArrayBlockingQueue<>(capacity);
    for (int i = 0; i < concurrency; i++) {
      Thread thread =
          new Thread(() -> loop(process), "lane-" + destination.id().substring(0, 8) + "-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  boolean offer(Delivery delivery) {
    return running && queue.offer(delivery);
  }

  int queued() {
    return queue.size();
  }

  void stop() {
    running = false;
    threads.forEach(Thread::interrupt);
  }

  private void loop(BiConsumer<Lane, List<Delivery>> process) {
    while (running) {
      try {
        Delivery first = queue.poll(500, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        List<Delivery> batch = new ArrayList<>();
        batch.add(first);
        if (batchSize > 1) {
          // audience sync: gather what arrives within a short linger into one call
          long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
          while (batch.size() < batchSize) {
            long left = until - System.nanoTime();
            Delivery next = left <= 0 ? queue.poll() : queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
              break;
            }
            batch.add(next);
          }
        }
        process.accept(this, batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // the rows stay claimed and are taken over when their lease ends
        Log.errorf("destination %s worker failed: %s", destination.id(), e.getClass().getName());
      }
    }
  }
}
