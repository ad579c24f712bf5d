package org.opencdp.segment.messaging;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.opencdp.contracts.Topics;
import org.opencdp.segment.config.SegmentConfig;
import org.opencdp.segment.evaluation.InputBatch;
import org.opencdp.segment.evaluation.RealtimeInput;
import org.opencdp.segment.evaluation.SegmentMetrics;

/**
 * One Kafka poll of real-time inputs at a time. Each unreadable record goes to {@code <topic>.dlq}
 * with its reason; the readable ones are applied together ({@link InputBatch}, one transaction). A
 * transient failure retries the whole batch with back-off (applying it again changes nothing); if
 * it still fails, the batch is applied profile by profile, so that one profile whose inputs cannot
 * be applied does not hold back the others, and the inputs of a profile that still fails go to the
 * DLQ with the reason. The batch's offsets are committed (ack) only after every input is applied or
 * dead-lettered and the DLQ acknowledged; if the DLQ itself fails, the batch is nacked and the
 * channel's failure strategy dead-letters every record of it.
 */
@ApplicationScoped
public class InputBatchConsumer {
  static final String REASON_HEADER = "dead-letter-reason";

  /** Reads one record; throws {@link PoisonMessage} for one that can never be applied. */
  @FunctionalInterface
  interface Reader {
    RealtimeInput read(String payload);
  }

  private record Pending(KafkaRecord<String, String> record, RealtimeInput input) {}

  private record DeadLetter(KafkaRecord<String, String> record, String reason) {}

  private final InputBatch batches;
  private final MutinyEmitter<String> deadLetters;
  private final SegmentMetrics metrics;
  private final int maxRetries;

  InputBatchConsumer(
      InputBatch batches,
      @Channel(Channels.INPUT_DEAD_LETTERS) MutinyEmitter<String> deadLetters,
      SegmentMetrics metrics,
      SegmentConfig config) {
    this.batches = batches;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.maxRetries = config.consumer().maxRetries();
  }

  Uni<Void> consume(KafkaRecordBatch<String, String> batch, Reader reader) {
    List<Pending> readable = new ArrayList<>();
    List<DeadLetter> dead = new ArrayList<>();
    metrics.inputBatch(batch.getRecords().size());
    for (KafkaRecord<String, String> record : batch.getRecords()) {
      try {
        readable.add(new Pending(record, reader.read(record.getPayload())));
      } catch (PoisonMessage e) {
        dead.add(new DeadLetter(record, e.getMessage()));
      }
    }
    return applyAll(readable, dead)
        .chain(() -> deadLetter(dead))
        .onItemOrFailure()
        .transformToUni(
            (ok, failure) ->
                Uni.createFrom()
                    .completionStage(failure == null ? batch.ack() : batch.nack(failure)));
  }

  private Uni<Void> applyAll(List<Pending> readable, List<DeadLetter> dead) {
    if (readable.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return Retries.withBackOff(
            Uni.createFrom().deferred(() -> batches.apply(inputs(readable))), maxRetries)
        .onFailure()
        .recoverWithUni(
            failure -> {
              Log.warnf(
                  "batch of %d inputs failed after the retries (%s): applying it profile by profile",
                  readable.size(), failure.getClass().getSimpleName());
              return profileByProfile(readable, dead);
            });
  }

  /**
   * Each profile's inputs in their own transaction; a profile that still fails is dead-lettered.
   */
  private Uni<Void> profileByProfile(List<Pending> readable, List<DeadLetter> dead) {
    Map<String, List<Pending>> byProfile = new LinkedHashMap<>();
    for (Pending p : readable) {
      byProfile
          .computeIfAbsent(
              p.input().workspaceId() + ":" + p.input().profileId(), k -> new ArrayList<>())
          .add(p);
    }
    Uni<Void> chain = Uni.createFrom().voidItem();
    for (List<Pending> group : byProfile.values()) {
      chain =
          chain.chain(
              () ->
                  Retries.withBackOff(
                          Uni.createFrom().deferred(() -> batches.apply(inputs(group))), 1)
                      .onFailure()
                      .recoverWithItem(
                          failure -> {
                            String reason =
                                "failed after the retries: " + failure.getClass().getName();
                            group.forEach(p -> dead.add(new DeadLetter(p.record(), reason)));
                            return null;
                          }));
    }
    return chain;
  }

  private static List<RealtimeInput> inputs(List<Pending> pending) {
    List<RealtimeInput> inputs = new ArrayList<>(pending.size());
    pending.forEach(p -> inputs.add(p.input()));
    return inputs;
  }

  /** Sends the dead letters (with the reason and where they came from); completes on the acks. */
  private Uni<Void> deadLetter(List<DeadLetter> dead) {
    if (dead.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    List<Uni<Void>> sends = new ArrayList<>(dead.size());
    for (DeadLetter d : dead) {
      Log.errorf(
          "input dead-lettered (%s partition %d offset %d): %s",
          d.record().getTopic(), d.record().getPartition(), offset(d.record()), d.reason());
      RecordHeaders headers = new RecordHeaders();
      headers.add(REASON_HEADER, bytes(d.reason()));
      headers.add("dead-letter-topic", bytes(d.record().getTopic()));
      headers.add("dead-letter-partition", bytes(String.valueOf(d.record().getPartition())));
      headers.add("dead-letter-offset", bytes(String.valueOf(offset(d.record()))));
      String payload = d.record().getPayload();
      sends.add(
          deadLetters.sendMessage(
              Message.of(payload == null ? "" : payload)
                  .addMetadata(
                      OutgoingKafkaRecordMetadata.<String>builder()
                          .withTopic(d.record().getTopic() + Topics.DLQ_SUFFIX)
                          .withKey(d.record().getKey())
                          .withHeaders(headers)
                          .build())));
    }
    return Uni.join().all(sends).andFailFast().replaceWithVoid();
  }

  private static long offset(KafkaRecord<String, String> record) {
    return record
        .getMetadata(IncomingKafkaRecordMetadata.class)
        .map(IncomingKafkaRecordMetadata::getOffset)
        .orElse(-1L);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
