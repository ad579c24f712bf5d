package org.opencdp.testsupport;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.mongodb.MongoDBContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The same infrastructure on Testcontainers, for machines with a Docker engine: run the tests with
 * {@code -Dcdp.infra=containers} (this one brings a real MongoDB instead of the wire-protocol
 * double).
 */
final class Containers {
  static final String DATABASE = "cdp";

  private static KafkaContainer kafka;
  private static PostgreSQLContainer postgres;
  private static GenericContainer<?> redis;
  private static MongoDBContainer mongo;

  private Containers() {}

  static boolean enabled() {
    return "containers".equals(System.getProperty("cdp.infra", System.getenv("CDP_INFRA")));
  }

  static synchronized KafkaContainer kafka() {
    if (kafka == null) {
      kafka = new KafkaContainer("apache/kafka:4.1.1");
      kafka.start();
    }
    return kafka;
  }

  static synchronized PostgreSQLContainer postgres() {
    if (postgres == null) {
      postgres = new PostgreSQLContainer("postgres:17-alpine").withDatabaseName(DATABASE);
      postgres.start();
    }
    return postgres;
  }

  static synchronized GenericContainer<?> redis() {
    if (redis == null) {
      redis = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
      redis.start();
    }
    return redis;
  }

  static synchronized MongoDBContainer mongo() {
    if (mongo == null) {
      mongo = new MongoDBContainer("mongo:8");
      mongo.start();
    }
    return mongo;
  }
}
