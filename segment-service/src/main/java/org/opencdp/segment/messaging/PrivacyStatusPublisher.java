package org.opencdp.segment.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.opencdp.contracts.PrivacyStatus;

/** Publishes this service's answers to privacy requests; completes on Kafka's ack. */
@ApplicationScoped
public class PrivacyStatusPublisher {
  private final MutinyEmitter<String> emitter;
  private final ObjectMapper json;

  PrivacyStatusPublisher(
      @Channel(Channels.PRIVACY_STATUS) MutinyEmitter<String> emitter, ObjectMapper json) {
    this.emitter = emitter;
    this.json = json;
  }

  public Uni<Void> publish(PrivacyStatus status) {
    String body;
    try {
      body = json.writeValueAsString(status);
    } catch (JsonProcessingException e) {
      return Uni.createFrom().failure(e);
    }
    return emitter.sendMessage(
        Message.of(body)
            .addMetadata(
                OutgoingKafkaRecordMetadata.<String>builder()
                    .withKey(status.partitionKey())
                    .build()));
  }
}
