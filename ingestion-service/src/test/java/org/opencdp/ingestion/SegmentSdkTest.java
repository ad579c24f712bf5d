package org.opencdp.ingestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.segment.analytics.Analytics;
import com.segment.analytics.Callback;
import com.segment.analytics.messages.AliasMessage;
import com.segment.analytics.messages.GroupMessage;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.Message;
import com.segment.analytics.messages.PageMessage;
import com.segment.analytics.messages.ScreenMessage;
import com.segment.analytics.messages.TrackMessage;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

/** The real Segment SDK for Java, unchanged, pointed at the gateway. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
class SegmentSdkTest {
  @TestHTTPResource("/")
  URI gateway;

  @Test
  void everyCallOfTheJavaSdkLandsOnKafkaExactlyOnceWithItsContext() throws Exception {
    Gateway.Tenant tenant = Gateway.newTenant();
    List<String> failures = new CopyOnWriteArrayList<>();
    List<String> successes = new CopyOnWriteArrayList<>();
    try (RawTopic topic = RawTopic.fromNow()) {
      Analytics analytics =
          Analytics.builder(tenant.writeKey())
              .endpoint(gateway.toString().replaceAll("/$", ""))
              .flushQueueSize(6)
              .callback(
                  new Callback() {
                    @Override
                    public void success(Message message) {
                      successes.add(message.messageId());
                    }

                    @Override
                    public void failure(Message message, Throwable throwable) {
                      failures.add(message.messageId() + ": " + throwable);
                    }
                  })
              .build();
      analytics.enqueue(
          IdentifyMessage.builder().userId("user-42").traits(Map.of("email", "ada@example.com")));
      analytics.enqueue(
          TrackMessage.builder("Order Completed")
              .userId("user-42")
              .properties(Map.of("revenue", 42.5)));
      analytics.enqueue(PageMessage.builder("Pricing").anonymousId("anon-1"));
      analytics.enqueue(ScreenMessage.builder("Home").userId("user-42"));
      analytics.enqueue(GroupMessage.builder("acme-inc").userId("user-42"));
      analytics.enqueue(AliasMessage.builder("anon-1").userId("user-42"));
      analytics.flush();

      await().atMost(Duration.ofSeconds(30)).until(() -> successes.size() + failures.size() >= 6);
      analytics.shutdown();
      assertThat(failures).isEmpty();

      List<JsonNode> records = topic.sinceMark(tenant.workspace());
      assertThat(records)
          .extracting(r -> r.path("type").asText())
          .containsExactlyInAnyOrder("identify", "track", "page", "screen", "group", "alias");
      assertThat(records).extracting(r -> r.path("messageId").asText()).doesNotHaveDuplicates();
      assertThat(records)
          .allSatisfy(
              r ->
                  assertThat(r.path("context").path("library").path("name").asText())
                      .isEqualTo("analytics-java"));
      JsonNode track =
          records.stream()
              .filter(r -> r.path("type").asText().equals("track"))
              .findFirst()
              .orElseThrow();
      assertThat(track.path("properties").path("revenue").asDouble()).isEqualTo(42.5);
      JsonNode alias =
          records.stream()
              .filter(r -> r.path("type").asText().equals("alias"))
              .findFirst()
              .orElseThrow();
      assertThat(alias.path("previousId").asText()).isEqualTo("anon-1");
      JsonNode group =
          records.stream()
              .filter(r -> r.path("type").asText().equals("group"))
              .findFirst()
              .orElseThrow();
      assertThat(group.path("groupId").asText()).isEqualTo("acme-inc");
    }
  }
}
