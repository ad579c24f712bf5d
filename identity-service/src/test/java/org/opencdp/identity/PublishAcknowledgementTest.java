package org.opencdp.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.Topics;
import org.opencdp.identity.support.Events;
import org.opencdp.identity.support.Graph;
import org.opencdp.identity.support.KafkaTestClient;
import org.opencdp.identity.support.TopicsResource;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;

/**
 * At-least-once through the service's own producer: a poll's offsets are committed only after Kafka
 * acknowledged the records it publishes. The real broker refuses the resolved event (the resolved
 * topic's {@code max.message.bytes} lowered under its size) until the limit is lifted.
 */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(TopicsResource.class)
@QuarkusTest
class PublishAcknowledgementTest {
  private static final String GROUP = "identity-service";
  private static final ConfigResource RESOLVED_TOPIC =
      new ConfigResource(ConfigResource.Type.TOPIC, Topics.EVENTS_RESOLVED);

  private final KafkaTestClient kafka = KafkaTestClient.get();

  @Inject Graph graph;

  @Test
  void aRefusedResolvedEventIsNotCommittedAndIsPublishedOnceKafkaAcceptsIt() throws Exception {
    String ws = Events.workspace("acks");
    // Random bytes in base64: lz4 cannot shrink the record under the lowered limit.
    byte[] noise = new byte[24_000];
    new Random(42).nextBytes(noise);
    Map<String, Object> padding = Map.of("padding", Base64.getEncoder().encodeToString(noise));
    EventEnvelope big = Events.withContext(ws, "user-big", null, padding);

    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TopicsResource.bootstrapServers()))) {
      RecordMetadata raw;
      double failuresBefore = publishFailures();
      limitResolvedTopic(admin, AlterConfigOp.OpType.SET);
      try {
        awaitBrokerRefuses(Events.withContext(Events.workspace("probe"), "p", null, padding));
        raw = kafka.sendForMetadata(big);
        TopicPartition partition = new TopicPartition(raw.topic(), raw.partition());

        await().atMost(Duration.ofSeconds(20)).until(() -> publishFailures() > failuresBefore);
        assertThat(committed(admin, partition))
            .as("the raw record's offset is not committed while its result is refused")
            .isLessThanOrEqualTo(raw.offset());
        assertThat(kafka.resolved(e -> e.messageId().equals(big.messageId()))).isEmpty();
      } finally {
        limitResolvedTopic(admin, AlterConfigOp.OpType.DELETE);
      }

      // The poll's records are sent again once the broker accepts them; then the offset moves.
      EventEnvelope resolved = kafka.awaitResolved(big);
      TopicPartition partition = new TopicPartition(raw.topic(), raw.partition());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> committed(admin, partition) > raw.offset());
      assertThat(resolved.context()).containsKey("padding");
      assertThat(graph.snapshot(ws))
          .containsOnlyKeys(new Identifier("user_id", "user-big"))
          .containsValue(resolved.profileId());
    }
  }

  /** Lowers (SET) or restores (DELETE) the resolved topic's largest accepted record batch. */
  private static void limitResolvedTopic(Admin admin, AlterConfigOp.OpType op) throws Exception {
    admin
        .incrementalAlterConfigs(
            Map.of(
                RESOLVED_TOPIC,
                List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", "4096"), op))))
        .all()
        .get(10, TimeUnit.SECONDS);
  }

  /** The topic configuration reaches the broker asynchronously: probe until it refuses. */
  private void awaitBrokerRefuses(EventEnvelope probe) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              try {
                kafka.sendTo(
                    Topics.EVENTS_RESOLVED,
                    probe.workspaceId() + ":probe",
                    KafkaTestClient.JSON.writeValueAsString(probe.withProfileId("probe")));
                return false;
              } catch (IllegalStateException e) {
                Throwable cause = e;
                while (cause != null && !(cause instanceof RecordTooLargeException)) {
                  cause = cause.getCause();
                }
                return cause != null;
              }
            });
  }

  private static long committed(Admin admin, TopicPartition partition) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin
            .listConsumerGroupOffsets(GROUP)
            .partitionsToOffsetAndMetadata()
            .get(10, TimeUnit.SECONDS);
    OffsetAndMetadata offset = offsets.get(partition);
    return offset == null ? -1 : offset.offset();
  }

  private static double publishFailures() {
    String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    return metrics
        .lines()
        .filter(line -> line.startsWith("cdp_identity_publish_failures_total"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }
}
