package org.opencdp.ingestion.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.Topics;
import org.opencdp.ingestion.config.GatewayConfig;
import org.opencdp.ingestion.problem.ProblemException;

/**
 * Publishes accepted events to {@code cdp.events.raw} and completes only when Kafka acknowledged
 * every one of them (acks=all, idempotent producer). That completion is what lets the gateway
 * answer 2xx.
 *
 * <p>This is the gateway's hot path, so it uses the Kafka producer directly rather than a SmallRye
 * emitter: one callback per record and one completion per request, instead of a message, ack
 * callbacks, context propagation and tracing per event. Records are serialised on the caller's
 * thread; {@code send()} runs on one dedicated thread because it may block (up to {@code
 * max.block.ms}) while Kafka is unreachable, which must never stall an event loop.
 */
@ApplicationScoped
public class EventPublisher {
  private final KafkaProducer<String, byte[]> producer;
  private final ExecutorService sender;
  private final ObjectWriter writer;
  private final GatewayConfig config;
  private final Timer ackLatency;

  EventPublisher(
      @Identifier("default-kafka-broker") Map<String, Object> kafka,
      ObjectMapper mapper,
      GatewayConfig config,
      MeterRegistry registry) {
    this.producer =
        new KafkaProducer<>(
            producerConfig(kafka), new StringSerializer(), new ByteArraySerializer());
    this.sender =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "cdp-raw-event-sender");
              thread.setDaemon(true);
              return thread;
            });
    this.writer = mapper.writerFor(EventEnvelope.class);
    this.config = config;
    this.ackLatency =
        Timer.builder("cdp.ingest.kafka.ack")
            .description(
                "Time from publishing a request's events to Kafka's acknowledgement of all")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
  }

  /**
   * The platform's Kafka settings (bootstrap servers, TLS/SASL: {@code kafka.*}) with the gateway's
   * defaults for batching and time-outs, and the durability settings no configuration may weaken.
   */
  static Map<String, Object> producerConfig(Map<String, Object> kafka) {
    Map<String, Object> settings = new HashMap<>();
    settings.put(ProducerConfig.LINGER_MS_CONFIG, "2");
    settings.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    settings.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
    settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "7000");
    for (Map.Entry<String, Object> entry : kafka.entrySet()) {
      if (ProducerConfig.configNames().contains(entry.getKey())) {
        settings.put(entry.getKey(), entry.getValue());
      }
    }
    settings.put(ProducerConfig.ACKS_CONFIG, "all");
    settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    settings.put(ProducerConfig.CLIENT_ID_CONFIG, "ingestion-service-events-raw");
    return settings;
  }

  /** Fails with a 503 problem when Kafka does not acknowledge within the configured time. */
  public Uni<Void> publishAll(List<EventEnvelope> events) {
    if (events.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    long start = System.nanoTime();
    return Uni.createFrom()
        .<Void>emitter(done -> sendAll(serialise(events), done))
        .ifNoItem()
        .after(config.kafkaAckTimeout())
        .fail()
        .onItem()
        .invoke(() -> ackLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS))
        .onFailure()
        .transform(
            failure -> {
              Log.warnf(
                  "Kafka did not acknowledge %d events: %s", events.size(), failure.toString());
              return ProblemException.unavailable(
                  "The event log is unavailable; nothing was accepted. Retry later.",
                  config.retryAfterSeconds());
            });
  }

  private List<ProducerRecord<String, byte[]>> serialise(List<EventEnvelope> events) {
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>(events.size());
    try {
      for (EventEnvelope event : events) {
        records.add(
            new ProducerRecord<>(
                Topics.EVENTS_RAW, event.rawPartitionKey(), writer.writeValueAsBytes(event)));
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("An accepted event could not be serialised", e);
    }
    return records;
  }

  /**
   * Completes once every record is acknowledged, fails on the first failure. The outcome is handed
   * back to the caller's Vert.x context so that what follows (Redis, the response) runs where it
   * started.
   */
  private void sendAll(
      List<ProducerRecord<String, byte[]>> records, UniEmitter<? super Void> done) {
    Context caller = Vertx.currentContext();
    AtomicInteger pending = new AtomicInteger(records.size());
    AtomicBoolean failed = new AtomicBoolean();
    Runnable complete = () -> onContext(caller, () -> done.complete(null));
    java.util.function.Consumer<Exception> fail =
        failure -> {
          if (failed.compareAndSet(false, true)) {
            onContext(caller, () -> done.fail(failure));
          }
        };
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
                      complete.run();
                    }
                  });
            }
          } catch (RuntimeException failure) {
            fail.accept(failure);
          }
        });
  }

  private static void onContext(Context context, Runnable action) {
    if (context == null) {
      action.run();
    } else {
      context.runOnContext(ignored -> action.run());
    }
  }

  @PreDestroy
  void close() {
    sender.shutdown();
    producer.close(java.time.Duration.ofSeconds(5));
  }
}
