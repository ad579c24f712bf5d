package org.opencdp.identity.benchmark;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Benchmark settings: a connection pool sized for the concurrency, quieter logs. */
public class BenchmarkProfile implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "quarkus.datasource.reactive.max-size",
        System.getProperty("bench.pool", "32"),
        "cdp.identity.consumer-parallelism",
        System.getProperty("bench.parallelism", "32"),
        "mp.messaging.incoming.events-raw.concurrency",
        System.getProperty("bench.consumers", "2"),
        "mp.messaging.incoming.events-raw.max.poll.records",
        System.getProperty("bench.max-poll-records", "1000"),
        "quarkus.log.category.\"org.apache.kafka\".level",
        "WARN");
  }
}
