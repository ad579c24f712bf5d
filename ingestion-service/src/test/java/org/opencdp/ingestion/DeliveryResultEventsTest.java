package org.opencdp.ingestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.Topics;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

/** Activation results come back as events on the profile, once each, consent refusals included. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
class DeliveryResultEventsTest {

  @Test
  void anOpenedEmailBecomesOneEventOnTheProfileEvenWhenRedelivered() throws Exception {
    String workspace = "ws-" + UUID.randomUUID().toString().substring(0, 8);
    String result = result(workspace, "OPENED", null);
    try (RawTopic resolved = RawTopic.fromNow(Topics.EVENTS_RESOLVED)) {
      produce(result);
      produce(result);

      await().atMost(Duration.ofSeconds(60)).until(() -> !resolved.sinceMark(workspace).isEmpty());
      Thread.sleep(1000);
      List<JsonNode> events = resolved.sinceMark(workspace);
      assertThat(events).hasSize(1);
      JsonNode event = events.get(0);
      assertThat(event.path("type").asText()).isEqualTo("track");
      assertThat(event.path("event").asText()).isEqualTo("Email Opened");
      assertThat(event.path("profileId").asText()).isEqualTo("profile-1");
      assertThat(event.path("properties").path("campaignId").asText()).isEqualTo("welcome");
      assertThat(event.path("_key").asText()).isEqualTo(workspace + ":profile-1");
    }
  }

  @Test
  void anUnsubscribeCarriesTheConsentRefusal() throws Exception {
    String workspace = "ws-" + UUID.randomUUID().toString().substring(0, 8);
    try (RawTopic resolved = RawTopic.fromNow(Topics.EVENTS_RESOLVED)) {
      produce(result(workspace, "UNSUBSCRIBED", "marketing"));

      await().atMost(Duration.ofSeconds(60)).until(() -> !resolved.sinceMark(workspace).isEmpty());
      JsonNode event = resolved.sinceMark(workspace).get(0);
      assertThat(event.path("event").asText()).isEqualTo("Email Unsubscribed");
      assertThat(
              event
                  .path("context")
                  .path("consent")
                  .path("categoryPreferences")
                  .path("marketing")
                  .asBoolean(true))
          .isFalse();
    }
  }

  private static String result(String workspace, String status, String consentCategory) {
    return """
        {"resultId":"%s","workspaceId":"%s","profileId":"profile-1","campaignId":"welcome",
         "deliveryId":"d-1","destinationId":"mail","channel":"email","status":"%s",
         "consentCategory":%s,"occurredAt":"2026-11-25T10:00:00Z"}
        """
        .formatted(
            UUID.randomUUID(),
            workspace,
            status,
            consentCategory == null ? "null" : "\"" + consentCategory + "\"");
  }

  private static void produce(String json) throws Exception {
    String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    RawTopic.ensureTopic(bootstrap, Topics.DELIVERIES);
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of("bootstrap.servers", bootstrap),
            new StringSerializer(),
            new StringSerializer())) {
      producer.send(new ProducerRecord<>(Topics.DELIVERIES, "k", json)).get();
    }
  }
}
