package org.opencdp.ingestion.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.Topics;
import org.opencdp.ingestion.config.GatewayConfig;
import org.opencdp.ingestion.problem.ProblemException;
import org.opencdp.kafka.AcknowledgedProducer;

/**
 * Publishes accepted events to {@code cdp.events.raw} and completes only when Kafka acknowledged
 * every one of them (acks=all, idempotent producer). That completion is what lets the gateway
 * answer 2xx.
 *
 * <p>This is the gateway's hot path, so it uses its own producer ({@link AcknowledgedProducer},
 * module kafka-publishing) rather than a SmallRye emitter: one callback per record and one
 * completion per request, instead of a message, ack callbacks, context propagation and tracing per
 * event. Records are serialised on the caller's thread.
 */
@ApplicationScoped
public class EventPublisher {
  /** Batching and time-outs of the gateway, each overridable as {@code kafka.<name>}. */
  static final Map<String, Object> DEFAULTS =
      Map.of(
          ProducerConfig.LINGER_MS_CONFIG, "2",
          ProducerConfig.BATCH_SIZE_CONFIG, "262144",
          ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
          ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000",
          ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000",
          ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "7000");

  private final AcknowledgedProducer producer;
  private final EnvelopeWriter writer;
  private final GatewayConfig config;
  private final Timer ackLatency;

  EventPublisher(
      @Identifier("default-kafka-broker") Map<String, Object> kafka,
      ObjectMapper mapper,
      GatewayConfig config,
      MeterRegistry registry) {
    this.producer = new AcknowledgedProducer(kafka, DEFAULTS, "ingestion-service-events-raw");
    this.writer = new EnvelopeWriter(mapper);
    this.config = config;
    this.ackLatency =
        Timer.builder("cdp.ingest.kafka.ack")
            .description(
                "Time from publishing a request's events to Kafka's acknowledgement of all")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
  }

  /** Fails with a 503 problem when Kafka does not acknowledge within the configured time. */
  public Uni<Void> publishAll(List<EventEnvelope> events) {
    if (events.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    long start = System.nanoTime();
    return Uni.createFrom()
        .deferred(() -> producer.sendAll(serialise(events)))
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
    List<byte[]> values = writer.write(events);
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>(events.size());
    for (int i = 0; i < values.size(); i++) {
      records.add(
          new ProducerRecord<>(Topics.EVENTS_RAW, events.get(i).rawPartitionKey(), values.get(i)));
    }
    return records;
  }

  @PreDestroy
  void close() {
    producer.close(java.time.Duration.ofSeconds(5));
  }
}
