package org.opencdp.activation.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.opencdp.activation.config.ActivationConfig;
import org.opencdp.activation.destination.Destination;
import org.opencdp.activation.destination.DestinationType;
import org.opencdp.activation.messaging.Channels;
import org.opencdp.contracts.DeliveryResult;

/** Writes the delivery document to the destination's Kafka topic, keyed by workspace + profile. */
@ApplicationScoped
public class KafkaSender implements Sender {
  private final MutinyEmitter<String> emitter;
  private final ObjectMapper json;
  private final Duration timeout;

  KafkaSender(
      @Channel(Channels.DESTINATION_OUT) MutinyEmitter<String> emitter,
      ObjectMapper json,
      ActivationConfig config) {
    this.emitter = emitter;
    this.json = json;
    this.timeout = config.delivery().timeout();
  }

  @Override
  public DestinationType type() {
    return DestinationType.KAFKA;
  }

  @Override
  public CompletionStage<Outcome> send(Destination destination, List<Delivery> batch) {
    Delivery d = batch.get(0);
    String document;
    try {
      document = json.writeValueAsString(d.message().document());
    } catch (Exception e) {
      return CompletableFuture.completedFuture(Outcome.permanent("document not writable"));
    }
    return emitter
        .sendMessage(
            Message.of(document)
                .addMetadata(
                    OutgoingKafkaRecordMetadata.<String>builder()
                        .withTopic(destination.string("topic"))
                        .withKey(d.workspaceId() + ":" + d.profileId())
                        .build()))
        .ifNoItem()
        .after(timeout)
        .fail()
        .map(sent -> Outcome.success(DeliveryResult.Status.DELIVERED))
        .onFailure()
        .recoverWithItem(e -> Outcome.retryable("Kafka " + e.getClass().getSimpleName()))
        .subscribeAsCompletionStage();
  }
}
