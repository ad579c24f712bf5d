package org.opencdp.ingestion.publish;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.ingestion.config.GatewayConfig;
import org.opencdp.ingestion.problem.ProblemException;

/**
 * Publishes accepted events to {@code cdp.events.raw} and completes only when Kafka acknowledged
 * every one of them (acks=all, idempotent producer: see application.properties). That completion is
 * what lets the gateway answer 2xx.
 */
@ApplicationScoped
public class EventPublisher {
  public static final String CHANNEL = "events-raw";

  private final MutinyEmitter<EventEnvelope> emitter;
  private final GatewayConfig config;
  private final Timer ackLatency;

  EventPublisher(
      @Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 50_000)
          MutinyEmitter<EventEnvelope> emitter,
      GatewayConfig config,
      MeterRegistry registry) {
    this.emitter = emitter;
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
    List<Uni<Void>> acks = new ArrayList<>(events.size());
    for (EventEnvelope event : events) {
      acks.add(send(event));
    }
    return Uni.join()
        .all(acks)
        .andFailFast()
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
            })
        .replaceWithVoid();
  }

  private Uni<Void> send(EventEnvelope event) {
    return Uni.createFrom()
        .emitter(
            done -> {
              Message<EventEnvelope> message =
                  Message.of(event)
                      .addMetadata(
                          OutgoingKafkaRecordMetadata.<String>builder()
                              .withKey(event.rawPartitionKey())
                              .build())
                      .withAck(
                          () -> {
                            done.complete(null);
                            return java.util.concurrent.CompletableFuture.completedFuture(null);
                          })
                      .withNack(
                          failure -> {
                            done.fail(failure);
                            return java.util.concurrent.CompletableFuture.completedFuture(null);
                          });
              try {
                emitter.sendMessageAndForget(message);
              } catch (RuntimeException overflow) {
                done.fail(overflow);
              }
            });
  }
}
