package org.opencdp.profile.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.opencdp.contracts.PrivacyRequest;
import org.opencdp.contracts.PrivacyStatus;
import org.opencdp.contracts.ProfileChanged;

/** Publishes the service's messages as JSON, keyed, and completes when Kafka acknowledged them. */
@ApplicationScoped
public class KafkaPublisher {
  private final MutinyEmitter<String> profilesChanged;
  private final MutinyEmitter<String> privacyRequests;
  private final MutinyEmitter<String> privacyStatus;
  private final ObjectMapper json;

  KafkaPublisher(
      @Channel(Channels.PROFILES_CHANGED) MutinyEmitter<String> profilesChanged,
      @Channel(Channels.PRIVACY_REQUESTS_OUT) MutinyEmitter<String> privacyRequests,
      @Channel(Channels.PRIVACY_STATUS_OUT) MutinyEmitter<String> privacyStatus,
      ObjectMapper json) {
    this.profilesChanged = profilesChanged;
    this.privacyRequests = privacyRequests;
    this.privacyStatus = privacyStatus;
    this.json = json;
  }

  public Uni<Void> profileChanged(ProfileChanged message) {
    return send(profilesChanged, message.partitionKey(), message);
  }

  public Uni<Void> privacyRequest(PrivacyRequest message) {
    return send(privacyRequests, message.partitionKey(), message);
  }

  public Uni<Void> privacyStatus(PrivacyStatus message) {
    return send(privacyStatus, message.partitionKey(), message);
  }

  private Uni<Void> send(MutinyEmitter<String> emitter, String key, Object payload) {
    String body;
    try {
      body = json.writeValueAsString(payload);
    } catch (JsonProcessingException e) {
      return Uni.createFrom().failure(e);
    }
    return emitter.sendMessage(
        Message.of(body)
            .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build()));
  }
}
