package org.opencdp.identity.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.opencdp.contracts.PrivacyStatus;

/**
 * Answers on {@code cdp.privacy.status} (keyed by workspace + request id); completes when Kafka
 * acknowledged the record (acks=all).
 */
@ApplicationScoped
public class PrivacyStatusPublisher {
  public static final String CHANNEL = "privacy-status";

  private final MutinyEmitter<PrivacyStatus> status;

  public PrivacyStatusPublisher(@Channel(CHANNEL) MutinyEmitter<PrivacyStatus> status) {
    this.status = status;
  }

  public Uni<Void> publish(PrivacyStatus answer) {
    return status.sendMessage(
        Message.of(answer)
            .addMetadata(
                OutgoingKafkaRecordMetadata.<String>builder()
                    .withKey(answer.partitionKey())
                    .build()));
  }
}
