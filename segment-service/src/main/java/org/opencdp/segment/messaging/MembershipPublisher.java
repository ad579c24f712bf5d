package org.opencdp.segment.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.opencdp.contracts.SegmentMembershipChanged;

/** Publishes membership changes as JSON keyed by workspace:profile; completes on Kafka's ack. */
@ApplicationScoped
public class MembershipPublisher {
  private final MutinyEmitter<String> emitter;
  private final ObjectMapper json;

  MembershipPublisher(
      // a poll batch publishes its changes at once (hundreds) while earlier batches await their
      // acks; with the default buffer (128) a slow broker made sends fail with "insufficient
      // downstream requests" and left the rows to the relay (30 s later)
      @Channel(Channels.SEGMENTS_MEMBERSHIP)
          @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
          MutinyEmitter<String> emitter,
      ObjectMapper json) {
    this.emitter = emitter;
    this.json = json;
  }

  public Uni<Void> publish(SegmentMembershipChanged change) {
    String body;
    try {
      body = json.writeValueAsString(change);
    } catch (JsonProcessingException e) {
      return Uni.createFrom().failure(e);
    }
    return emitter.sendMessage(
        Message.of(body)
            .addMetadata(
                OutgoingKafkaRecordMetadata.<String>builder()
                    .withKey(change.partitionKey())
                    .build()));
  }
}
