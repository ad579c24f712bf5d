package org.opencdp.identity.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.contracts.Topics;
import org.opencdp.kafka.AcknowledgedProducer;

/**
 * Publishes what resolution decided, through the service's own producer ({@link
 * AcknowledgedProducer}: acks=all, idempotent): resolved events on {@code cdp.events.resolved}
 * (keyed by workspace + profile), identity changes on {@code cdp.identity.merges} (keyed by
 * workspace + survivor) and unreadable raw events on {@code cdp.events.raw.dlq} with the reason in
 * the {@code dead-letter-reason} header. The consumer builds the records of a whole poll and sends
 * them with one {@link #sendAll}, whose completion (every record acknowledged) gates the commit of
 * the poll's offsets.
 */
@ApplicationScoped
public class ChangePublisher {
  static final String DEAD_LETTERS = Topics.EVENTS_RAW + Topics.DLQ_SUFFIX;

  /**
   * Batching and time-outs, each overridable as {@code kafka.<name>}. A poll's records are sent at
   * once, so a short linger fills batches; lz4 because resolved events are JSON (measured: see
   * README). Delivery is bounded so that a stuck broker fails the poll (retried, never committed)
   * instead of holding it forever.
   */
  static final Map<String, Object> DEFAULTS =
      Map.of(
          ProducerConfig.LINGER_MS_CONFIG, "5",
          ProducerConfig.BATCH_SIZE_CONFIG, "262144",
          ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
          ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000",
          ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000",
          ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");

  private final AcknowledgedProducer producer;
  private final ObjectWriter changes;
  private final ObjectWriter events;

  ChangePublisher(
      @Identifier("default-kafka-broker") Map<String, Object> kafka, ObjectMapper mapper) {
    this.producer = new AcknowledgedProducer(kafka, DEFAULTS, "identity-service");
    this.changes = mapper.writerFor(IdentityChange.class);
    this.events = mapper.writerFor(EventEnvelope.class);
  }

  /**
   * The resolved event: the raw record's JSON with {@code profileId} added ({@link
   * ResolvedEventJson}), or, when that is not possible, the event serialised again.
   */
  public ProducerRecord<String, byte[]> resolved(
      byte[] raw, EventEnvelope event, String profileId) {
    byte[] value =
        event.profileId() == null ? ResolvedEventJson.withProfileId(raw, profileId) : null;
    if (value == null) {
      value = write(events, event.withProfileId(profileId));
    }
    return new ProducerRecord<>(
        Topics.EVENTS_RESOLVED, event.workspaceId() + ":" + profileId, value);
  }

  /** A resolved event whose JSON was built already (without erased values, with the profile). */
  public ProducerRecord<String, byte[]> resolvedJson(
      byte[] json, EventEnvelope event, String profileId) {
    return new ProducerRecord<>(
        Topics.EVENTS_RESOLVED, event.workspaceId() + ":" + profileId, json);
  }

  public ProducerRecord<String, byte[]> change(IdentityChange change) {
    return new ProducerRecord<>(
        Topics.IDENTITY_MERGES, change.partitionKey(), write(changes, change));
  }

  /** The raw record as received, with why it could not be processed (never personal data). */
  public ProducerRecord<String, byte[]> deadLetter(
      String key, byte[] value, String reason, String topic, int partition, long offset) {
    RecordHeaders headers = new RecordHeaders();
    headers.add("dead-letter-reason", bytes(reason));
    headers.add("dead-letter-topic", bytes(topic));
    headers.add("dead-letter-partition", bytes(Integer.toString(partition)));
    headers.add("dead-letter-offset", bytes(Long.toString(offset)));
    return new ProducerRecord<>(
        DEAD_LETTERS, null, key, value == null ? new byte[0] : value, headers);
  }

  /**
   * Sends the records in order when subscribed (again on each re-subscription); completes on the
   * caller's Vert.x context once Kafka acknowledged every one.
   */
  public Uni<Void> sendAll(List<ProducerRecord<String, byte[]>> records) {
    return producer.sendAll(records);
  }

  /** One identity change (API corrections), acknowledged. */
  public Uni<Void> publish(IdentityChange change) {
    return Uni.createFrom().deferred(() -> producer.sendAll(List.of(change(change))));
  }

  private static <T> byte[] write(ObjectWriter writer, T value) {
    try {
      return writer.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a contract record could not be serialised", e);
    }
  }

  private static byte[] bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  @PreDestroy
  void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
