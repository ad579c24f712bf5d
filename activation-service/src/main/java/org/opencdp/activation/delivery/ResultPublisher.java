package org.opencdp.activation.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.opencdp.activation.messaging.Channels;
import org.opencdp.contracts.DeliveryResult;

/**
 * Publishes {@link DeliveryResult}s on {@code cdp.deliveries}, keyed by workspace + profile (the
 * gateway turns them into events on the profile). Counts every result in {@code
 * cdp_activation_results_total}.
 */
@ApplicationScoped
public class ResultPublisher {
  private final MutinyEmitter<String> emitter;
  private final ObjectMapper json;
  private final Clock clock;
  private final MeterRegistry metrics;

  ResultPublisher(
      @Channel(Channels.DELIVERIES_OUT)
          @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 20000)
          MutinyEmitter<String> emitter,
      ObjectMapper json,
      Clock clock,
      MeterRegistry metrics) {
    this.emitter = emitter;
    this.json = json;
    this.clock = clock;
    this.metrics = metrics;
  }

  public void publish(Delivery d, DeliveryResult.Status status, String detail, String url) {
    publish(
        d.workspaceId(),
        d.profileId(),
        d.campaignId(),
        d.id(),
        d.destinationId(),
        d.type().channel(),
        d.consentCategory(),
        status,
        detail,
        url);
  }

  public void publish(
      String workspaceId,
      String profileId,
      String campaignId,
      String deliveryId,
      String destinationId,
      String channel,
      String consentCategory,
      DeliveryResult.Status status,
      String detail,
      String url) {
    DeliveryResult result =
        new DeliveryResult(
            UUID.randomUUID().toString(),
            workspaceId,
            profileId,
            campaignId,
            deliveryId,
            destinationId,
            channel,
            status,
            detail,
            url,
            consentCategory,
            clock.instant());
    metrics
        .counter("cdp.activation.results", "channel", channel, "status", status.name())
        .increment();
    String payload;
    try {
      payload = json.writeValueAsString(result);
    } catch (Exception e) {
      throw new IllegalStateException("result not writable", e);
    }
    emitter
        .sendMessage(
            Message.of(payload)
                .addMetadata(
                    OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(result.partitionKey())
                        .build()))
        .subscribe()
        .with(
            ok -> {},
            failure ->
                Log.errorf(
                    "delivery result %s of delivery %s not published: %s",
                    status, deliveryId, failure.getClass().getName()));
  }
}
