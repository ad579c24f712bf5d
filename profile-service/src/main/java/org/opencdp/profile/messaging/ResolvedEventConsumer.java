package org.opencdp.profile.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.opencdp.profile.config.ProfileConfig;
import org.opencdp.profile.profile.ProfileEventBatch;
import org.opencdp.profile.profile.ProfileEvents;

/**
 * Consumes {@code cdp.events.resolved} one poll batch at a time ({@code batch=true}): the readable
 * events are applied together ({@link ProfileEventBatch}), each unreadable one goes to the DLQ with
 * its reason, and the batch's offsets are committed only after the durable writes. Transient
 * failures retry the whole batch with back-off (every step is idempotent), then dead-letter it.
 */
@ApplicationScoped
public class ResolvedEventConsumer {
  static final String REASON_HEADER = "dead-letter-reason";

  private final ProfileEvents events;
  private final ProfileEventBatch batches;
  private final MutinyEmitter<String> deadLetters;
  private final int maxRetries;

  ResolvedEventConsumer(
      ProfileEvents events,
      ProfileEventBatch batches,
      @Channel(Channels.EVENTS_RESOLVED_DEAD_LETTERS) MutinyEmitter<String> deadLetters,
      ProfileConfig config) {
    this.events = events;
    this.batches = batches;
    this.deadLetters = deadLetters;
    this.maxRetries = config.consumer().maxRetries();
  }

  @Incoming(Channels.EVENTS_RESOLVED)
  public Uni<Void> consume(KafkaRecordBatch<String, String> batch) {
    List<ProfileEvents.Parsed> readable = new ArrayList<>();
    List<Uni<Void>> poison = new ArrayList<>();
    for (KafkaRecord<String, String> record : batch.getRecords()) {
      try {
        readable.add(events.parse(record.getPayload()));
      } catch (PoisonMessage e) {
        poison.add(deadLetter(record.getKey(), record.getPayload(), e.getMessage()));
      }
    }
    Uni<Void> deadLettered =
        poison.isEmpty()
            ? Uni.createFrom().voidItem()
            : Uni.join().all(poison).andFailFast().replaceWithVoid();
    return deadLettered
        .chain(
            () ->
                Retries.transient_(
                    Uni.createFrom().deferred(() -> batches.apply(readable)), maxRetries))
        .onItemOrFailure()
        .transformToUni(
            (ok, failure) ->
                Uni.createFrom()
                    .completionStage(failure == null ? batch.ack() : batch.nack(failure)));
  }

  private Uni<Void> deadLetter(String key, String payload, String reason) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
    return deadLetters.sendMessage(
        Message.of(payload == null ? "" : payload)
            .addMetadata(
                OutgoingKafkaRecordMetadata.<String>builder()
                    .withKey(key)
                    .withHeaders(headers)
                    .build()));
  }
}
