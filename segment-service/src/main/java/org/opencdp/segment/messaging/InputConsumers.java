package org.opencdp.segment.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Function;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.segment.config.SegmentConfig;
import org.opencdp.segment.evaluation.ProfileEvaluator;

/**
 * The three inputs of real-time evaluation. One transaction per message; the offset is committed
 * only after it (and the Redis update) completed. Unreadable messages go to the DLQ at once,
 * transient failures are retried with back-off, then dead-lettered.
 */
@ApplicationScoped
public class InputConsumers {
  private final ProfileEvaluator evaluator;
  private final ObjectMapper json;
  private final int maxRetries;

  InputConsumers(ProfileEvaluator evaluator, ObjectMapper json, SegmentConfig config) {
    this.evaluator = evaluator;
    this.json = json;
    this.maxRetries = config.consumer().maxRetries();
  }

  @Incoming(Channels.PROFILES_CHANGED)
  public Uni<Void> profileChanged(String payload) {
    return handle(
        payload,
        ProfileChanged.class,
        m -> {
          require(m.workspaceId(), "workspaceId");
          require(m.profileId(), "profileId");
          return evaluator.onProfileChanged(m);
        });
  }

  @Incoming(Channels.EVENTS_RESOLVED)
  public Uni<Void> eventResolved(String payload) {
    return handle(
        payload,
        EventEnvelope.class,
        e -> {
          require(e.workspaceId(), "workspaceId");
          require(e.profileId(), "profileId");
          require(e.messageId(), "messageId");
          return evaluator.onEvent(e);
        });
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
      message = json.readValue(payload, type);
    } catch (Exception e) {
      return Uni.createFrom()
          .failure(new PoisonMessage("unreadable " + type.getSimpleName() + " message"));
    }
    if (message == null) {
      return Uni.createFrom().failure(new PoisonMessage("empty message"));
    }
    try {
      return Retries.transient_(Uni.createFrom().deferred(() -> work.apply(message)), maxRetries);
    } catch (PoisonMessage poison) {
      return Uni.createFrom().failure(poison);
    }
  }

  private static void require(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new PoisonMessage("message without " + field);
    }
  }
}
