package org.opencdp.identity.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.opencdp.contracts.PrivacyStatus;
import org.opencdp.contracts.Topics;
import org.opencdp.testsupport.KafkaResource;

/** Creates the service's topics (4 partitions) on the shared broker before the app starts. */
public class TopicsResource implements QuarkusTestResourceLifecycleManager {
  public static final List<String> TOPICS =
      List.of(
          Topics.EVENTS_RAW,
          Topics.EVENTS_RESOLVED,
          Topics.IDENTITY_MERGES,
          Topics.EVENTS_RAW + Topics.DLQ_SUFFIX,
          Topics.PRIVACY_REQUESTS,
          Topics.PRIVACY_REQUESTS + Topics.DLQ_SUFFIX,
          PrivacyStatus.TOPIC);

  public static String bootstrapServers() {
    // The same broker KafkaResource points the app at (shared by the test JVM).
    return new KafkaResource().start().get("kafka.bootstrap.servers");
  }

  @Override
  public Map<String, String> start() {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing =
          TOPICS.stream()
              .filter(topic -> !existing.contains(topic))
              .map(topic -> new NewTopic(topic, 4, (short) 1))
              .toList();
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the identity-service topics", e);
    }
    return Map.of();
  }

  @Override
  public void stop() {
    // topics live as long as the shared broker
  }
}
