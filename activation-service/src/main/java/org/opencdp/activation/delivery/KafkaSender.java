package org.opencdp.activation.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
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
  public Outcome send(Destination destination, List<Delivery> batch) {
    Delivery d = batch.get(0);
    try {
      emitter
          .sendMessage(
              Message.of(json.writeValueAsString(d.message().document()))
                  .addMetadata(
                      OutgoingKafkaRecordMetadata.<String>builder()
                          .withTopic(destination.string("topic"))
                          .withKey(d.workspaceId() + ":" + d.profileId())
                          .build()))
          .await()
          .atMost(timeout);
      return Outcome.success(DeliveryResult.Status.DELIVERED);
    } catch (Exception e) {
      return Outcome.retryable("Kafka " + e.getClass().getSimpleName());
    }
  }
}
