package org.opencdp.profile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.InstantJson;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.MongoResource;

/** The service's ObjectMapper reads and writes instants with the shared fast path, and right. */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(MongoResource.class)
@QuarkusTest
class JsonInstantsTest {
  @Inject ObjectMapper json;

  @Test
  void instantsAreReadAndWrittenThroughInstantJson() throws Exception {
    var context =
        ((DefaultDeserializationContext) json.getDeserializationContext())
            .createDummyInstance(json.getDeserializationConfig());
    assertThat(context.findRootValueDeserializer(json.constructType(Instant.class)))
        .isInstanceOf(InstantJson.Reader.class);
    assertThat(json.getSerializerProviderInstance().findValueSerializer(Instant.class))
        .isInstanceOf(InstantJson.Writer.class);

    EventEnvelope event =
        Events.track(
            "ws-a", "p-json", "u-json", "Order Completed", Instant.now(), java.util.Map.of());
    EventEnvelope read = json.readValue(json.writeValueAsString(event), EventEnvelope.class);
    assertThat(read).isEqualTo(event);
    assertThat(json.readValue("\"2026-11-25T21:59:50+01:00\"", Instant.class))
        .isEqualTo(Instant.parse("2026-11-25T20:59:50Z"));
  }
}
