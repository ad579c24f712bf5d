package org.opencdp.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Points {@code kafka.bootstrap.servers} at a real broker shared by the module's tests. */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {
  @Override
  public Map<String, String> start() {
    String bootstrap =
        Containers.enabled()
            ? Containers.kafka().getBootstrapServers()
            : Infrastructure.kafka().bootstrapServers();
    return Map.of("kafka.bootstrap.servers", bootstrap);
  }

  @Override
  public void stop() {
    // shared across test classes; stopped at JVM exit
  }
}
