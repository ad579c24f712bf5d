package org.opencdp.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Points {@code quarkus.redis.hosts} at a real Redis shared by the module's tests. */
public class RedisResource implements QuarkusTestResourceLifecycleManager {
  @Override
  public Map<String, String> start() {
    String url;
    if (Containers.enabled()) {
      var container = Containers.redis();
      url = "redis://" + container.getHost() + ":" + container.getFirstMappedPort();
    } else {
      url = Infrastructure.redis().url();
    }
    return Map.of("quarkus.redis.hosts", url);
  }

  @Override
  public void stop() {
    // shared across test classes; stopped at JVM exit
  }
}
