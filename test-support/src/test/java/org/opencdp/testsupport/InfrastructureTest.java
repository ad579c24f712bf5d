package org.opencdp.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClients;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

class InfrastructureTest {

  @Test
  void kafkaBrokerKeepsRecordsAcrossAKillAndRestart(@TempDir Path dir) throws Exception {
    try (KafkaBroker broker = KafkaBroker.startNew(dir)) {
      produce(broker, "before");
      broker.kill();
      broker.start();
      produce(broker, "after");

      assertThat(consumeAll(broker)).containsExactly("before", "after");
    }
  }

  @Test
  void postgresAnswersSql() throws Exception {
    PostgresServer postgres = Infrastructure.postgres();
    postgres.createDatabase("probe");
    try (var connection = DriverManager.getConnection(postgres.jdbcUrl("probe"), "postgres", "");
        var result = connection.createStatement().executeQuery("SELECT version()")) {
      assertThat(result.next()).isTrue();
      assertThat(result.getString(1)).startsWith("PostgreSQL");
    }
  }

  @Test
  void redisStoresWithExpiry() {
    try (Jedis jedis = new Jedis("127.0.0.1", Infrastructure.redis().port())) {
      jedis.setex("k", 60, "v");
      assertThat(jedis.get("k")).isEqualTo("v");
      assertThat(jedis.ttl("k")).isPositive();
    }
  }

  @Test
  void mongoWireServerSpeaksToTheOfficialDriver() {
    try (var client = MongoClients.create(Infrastructure.mongo().connectionString())) {
      var collection = client.getDatabase("probe").getCollection("docs");
      collection.insertOne(new Document("_id", "p1").append("n", 1));
      assertThat(collection.find(new Document("_id", "p1")).first()).containsEntry("n", 1);
    }
  }

  @Test
  void mongoWireServerKeepsNoOplogCopyOfWrites() {
    try (var client = MongoClients.create(Infrastructure.mongo().connectionString())) {
      client.getDatabase("probe").getCollection("logged").insertOne(new Document("_id", "w1"));
      // mongo-java-server's oplog is an uncapped collection that would grow with every write
      assertThat(client.getDatabase("local").listCollectionNames().into(new ArrayList<>()))
          .doesNotContain("oplog.rs");
    }
  }

  private static void produce(KafkaBroker broker, String value) throws Exception {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true);
    try (var producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>("probe", "k", value)).get(60, TimeUnit.SECONDS);
    }
  }

  private static List<String> consumeAll(KafkaBroker broker) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, UUID.randomUUID().toString(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (var consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of("probe"));
      var values = new java.util.ArrayList<String>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.size() < 2 && System.nanoTime() < deadline) {
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
        records.forEach(r -> values.add(r.value()));
      }
      return values;
    }
  }
}
