package org.opencdp.identity.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.IdentityChange;

/**
 * Publishes what resolution decided: identity changes on {@code cdp.identity.merges} (keyed by
 * workspace + survivor), resolved events on {@code cdp.events.resolved} (keyed by workspace +
 * profile) and unreadable raw events on {@code cdp.events.raw.dlq} with the reason in the {@code
 * dead-letter-reason} header. Each method sends at once and returns a future completed when Kafka
 * acknowledged the record (acks=all).
 */
@ApplicationScoped
public class ChangePublisher {
  public static final String RESOLVED = "events-resolved";
  public static final String CHANGES = "identity-changes";
  public static final String DEAD_LETTERS = "events-raw-dlq";

  private final MutinyEmitter<EventEnvelope> resolved;
  private final MutinyEmitter<IdentityChange> changes;
  private final MutinyEmitter<String> deadLetters;

  public ChangePublisher(
      @Channel(RESOLVED) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 16384)
          MutinyEmitter<EventEnvelope> resolved,
      @Channel(CHANGES) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
          MutinyEmitter<IdentityChange> changes,
      @Channel(DEAD_LETTERS) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
          MutinyEmitter<String> deadLetters) {
    this.resolved = resolved;
    this.changes = changes;
    this.deadLetters = deadLetters;
  }

  public CompletableFuture<Void> resolved(EventEnvelope event) {
    return send(
        resolved, event, event.workspaceId() + ":" + event.profileId(), new RecordHeaders());
  }

  public CompletableFuture<Void> change(IdentityChange change) {
    return send(changes, change, change.partitionKey(), new RecordHeaders());
  }

  /** The raw record as received, with why it could not be processed (never personal data). */
  public CompletableFuture<Void> deadLetter(
      String key, String value, String reason, String topic, int partition, long offset) {
    RecordHeaders headers = new RecordHeaders();
    headers.add("dead-letter-reason", bytes(reason));
    headers.add("dead-letter-topic", bytes(topic));
    headers.add("dead-letter-partition", bytes(Integer.toString(partition)));
    headers.add("dead-letter-offset", bytes(Long.toString(offset)));
    return send(deadLetters, value == null ? "" : value, key, headers);
  }

  private static <T> CompletableFuture<Void> send(
      MutinyEmitter<T> emitter, T payload, String key, RecordHeaders headers) {
    Message<T> message =
        Message.of(payload)
            .addMetadata(
                OutgoingKafkaRecordMetadata.<String>builder()
                    .withKey(key)
                    .withHeaders(headers)
                    .build());
    Uni<Void> sent = emitter.sendMessage(message);
    return sent.subscribeAsCompletionStage();
  }

  private static byte[] bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
