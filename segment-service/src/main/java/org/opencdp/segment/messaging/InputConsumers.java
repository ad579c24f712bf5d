package org.opencdp.segment.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Function;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.segment.config.SegmentConfig;
import org.opencdp.segment.evaluation.ProfileEvaluator;
import org.opencdp.segment.evaluation.RealtimeInput;

/**
 * The three inputs of real-time evaluation. Profile changes and resolved events are consumed one
 * Kafka poll at a time ({@link InputBatchConsumer}: one transaction per batch); identity changes
 * are rare and consumed one transaction per message. Offsets are committed only after the
 * transaction (and the Redis update) completed. Unreadable messages go to the DLQ at once,
 * transient failures are retried with back-off, then dead-lettered.
 */
@ApplicationScoped
public class InputConsumers {
  private final ProfileEvaluator evaluator;
  private final InputBatchConsumer batches;
  private final ObjectMapper json;
  private final int maxRetries;

  InputConsumers(
      ProfileEvaluator evaluator,
      InputBatchConsumer batches,
      ObjectMapper json,
      SegmentConfig config) {
    this.evaluator = evaluator;
    this.batches = batches;
    this.json = json;
    this.maxRetries = config.consumer().maxRetries();
  }

  @Incoming(Channels.PROFILES_CHANGED)
  public Uni<Void> profilesChanged(KafkaRecordBatch<String, String> batch) {
    return batches.consume(batch, this::profileChanged);
  }

  @Incoming(Channels.EVENTS_RESOLVED)
  public Uni<Void> eventsResolved(KafkaRecordBatch<String, String> batch) {
    return batches.consume(batch, this::eventResolved);
  }

  RealtimeInput profileChanged(String payload) {
    ProfileChanged m = read(payload, ProfileChanged.class);
    require(m.workspaceId(), "workspaceId");
    require(m.profileId(), "profileId");
    return new RealtimeInput.Change(m);
  }

  RealtimeInput eventResolved(String payload) {
    EventEnvelope e = read(payload, EventEnvelope.class);
    require(e.workspaceId(), "workspaceId");
    require(e.profileId(), "profileId");
    require(e.messageId(), "messageId");
    return new RealtimeInput.Event(e);
  }

  @Incoming(Channels.IDENTITY_MERGES)
  public Uni<Void> identityChanged(String payload) {
    return handle(
        payload,
        IdentityChange.class,
        c -> {
          require(c.workspaceId(), "workspaceId");
          require(c.survivorProfileId(), "survivorProfileId");
          if (c.kind() == IdentityChange.Kind.MERGED) {
            require(c.mergedProfileId(), "mergedProfileId");
          }
          return evaluator.onIdentityChange(c);
        });
  }

  private <T> Uni<Void> handle(String payload, Class<T> type, Function<T, Uni<Void>> work) {
    T message;
    try {
      message = read(payload, type);
    } catch (PoisonMessage poison) {
      return Uni.createFrom().failure(poison);
    }
    try {
      return Retries.transient_(Uni.createFrom().deferred(() -> work.apply(message)), maxRetries);
    } catch (PoisonMessage poison) {
      return Uni.createFrom().failure(poison);
    }
  }

  /** Parses {@code payload}; an unreadable or empty message is poison. */
  private <T> T read(String payload, Class<T> type) {
    T message;
    try {
      message = payload == null ? null : json.readValue(payload, type);
    } catch (Exception e) {
      throw new PoisonMessage("unreadable " + type.getSimpleName() + " message");
    }
    if (message == null) {
      throw new PoisonMessage("empty message");
    }
    return message;
  }

  private static void require(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new PoisonMessage("message without " + field);
    }
  }
}
