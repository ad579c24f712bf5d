package org.opencdp.segment.benchmark;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.opencdp.testsupport.FreePorts;

/**
 * A real Redis (the embedded-redis binary) sized for the benchmark: the shared test Redis is capped
 * at 512 MB, one million profiles' memberships need more.
 */
public class BenchmarkRedisResource implements QuarkusTestResourceLifecycleManager {
  private redis.embedded.RedisServer server;

  @Override
  public Map<String, String> start() {
    int port = FreePorts.next();
    try {
      server =
          redis.embedded.RedisServer.newRedisServer()
              .port(port)
              .bind("127.0.0.1")
              .setting("save \"\"")
              .setting("appendonly no")
              .setting("maxmemory " + System.getProperty("bench.redis-memory", "6gb"))
              .build();
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + port);
  }

  @Override
  public void stop() {
    try {
      if (server != null) {
        server.stop();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
