package org.opencdp.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class AcknowledgedProducerTest {
  @Test
  void durabilityCannotBeWeakenedButBatchingCanBeTuned() {
    Map<String, Object> settings =
        AcknowledgedProducer.settings(
            Map.of(
                "bootstrap.servers", "broker:9092",
                "acks", "1",
                "enable.idempotence", "false",
                "linger.ms", "20",
                "group.id", "a-consumer-setting"),
            Map.of("linger.ms", "2", "compression.type", "lz4"),
            "svc-out");

    assertThat(settings)
        .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092")
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
        .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "20")
        .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
        .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "svc-out")
        .doesNotContainKey("group.id");
  }
}
