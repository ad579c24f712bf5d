package org.opencdp.kafka;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A Kafka producer for a hot path that must know when a whole set of records is durable: {@link
 * #sendAll} sends every record and completes once the broker acknowledged all of them ({@code
 * acks=all}, idempotent), or fails on the first failure. The caller decides what that completion
 * gates (the gateway's 2xx, a consumer's offset commit).
 *
 * <p>Why not a SmallRye emitter: one callback per record and one completion per set, instead of a
 * message, ack callbacks, context propagation and tracing per record. Values are bytes: the caller
 * serialises (or forwards what it received). {@code send()} runs on one dedicated thread because it
 * may block (up to {@code max.block.ms}) while Kafka is unreachable or the buffer is full, which
 * must never stall a Vert.x event loop. The outcome is handed back to the caller's Vert.x context,
 * so that what follows runs where it started.
 */
public final class AcknowledgedProducer implements AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;
  private final ExecutorService sender;

  /**
   * @param kafka the platform's {@code kafka.*} settings (bootstrap servers, TLS/SASL, overrides)
   * @param defaults the caller's batching and time-out defaults, overridable by {@code kafka}
   * @param clientId names the producer (metrics, broker logs) and its sender thread
   */
  public AcknowledgedProducer(
      Map<String, Object> kafka, Map<String, Object> defaults, String clientId) {
    this.producer =
        new KafkaProducer<>(
            settings(kafka, defaults, clientId), new StringSerializer(), new ByteArraySerializer());
    this.sender =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, clientId + "-sender");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * The producer settings: the caller's defaults, then the producer keys among the {@code kafka.*}
   * settings, then the durability settings no configuration may weaken.
   */
  public static Map<String, Object> settings(
      Map<String, Object> kafka, Map<String, Object> defaults, String clientId) {
    Map<String, Object> settings = new HashMap<>(defaults);
    for (Map.Entry<String, Object> entry : kafka.entrySet()) {
      if (ProducerConfig.configNames().contains(entry.getKey())) {
        settings.put(entry.getKey(), entry.getValue());
      }
    }
    settings.put(ProducerConfig.ACKS_CONFIG, "all");
    settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    settings.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    return settings;
  }

  /**
   * Sends the records, in list order (so records of one partition keep it), when subscribed; each
   * subscription sends again (a retry re-sends the whole set). Completes when every record is
   * acknowledged, fails with the first failure (the others may still have been written).
   */
  public Uni<Void> sendAll(List<ProducerRecord<String, byte[]>> records) {
    if (records.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return Uni.createFrom().emitter(done -> send(records, done));
  }

  private void send(List<ProducerRecord<String, byte[]>> records, UniEmitter<? super Void> done) {
    Context caller = Vertx.currentContext();
    AtomicInteger pending = new AtomicInteger(records.size());
    AtomicBoolean failed = new AtomicBoolean();
    Consumer<Exception> fail =
        failure -> {
          if (failed.compareAndSet(false, true)) {
            onContext(caller, () -> done.fail(failure));
          }
        };
    try {
      sender.execute(
          () -> {
            try {
              for (ProducerRecord<String, byte[]> record : records) {
                producer.send(
                    record,
                    (metadata, failure) -> {
                      if (failure != null) {
                        fail.accept(failure);
                      } else if (pending.decrementAndGet() == 0 && !failed.get()) {
                        onContext(caller, () -> done.complete(null));
                      }
                    });
              }
            } catch (RuntimeException failure) {
              fail.accept(failure);
            }
          });
    } catch (RuntimeException rejected) {
      // The sender was shut down: the application is stopping.
      fail.accept(rejected);
    }
  }

  private static void onContext(Context context, Runnable action) {
    if (context == null) {
      action.run();
    } else {
      context.runOnContext(ignored -> action.run());
    }
  }

  /** Sends what is buffered (up to the timeout) and releases the producer. */
  public void close(Duration timeout) {
    sender.shutdown();
    producer.close(timeout);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
