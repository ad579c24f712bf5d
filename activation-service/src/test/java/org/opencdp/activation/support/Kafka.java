package org.opencdp.activation.support;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.opencdp.contracts.DeliveryResult;

/** Plain Kafka clients on the real test broker: produce inputs, collect output topics. */
public final class Kafka {
  public static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private static KafkaProducer<String, String> producer;
  private static PacedProducer paced;
  private static final Map<String, List<String>> COLLECTED =
      new java.util.concurrent.ConcurrentHashMap<>();

  private Kafka() {}

  static String bootstrap() {
    return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
  }

  public static synchronized KafkaProducer<String, String> producer() {
    if (producer == null) {
      producer =
          new KafkaProducer<>(
              Map.of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrap(),
                  ProducerConfig.ACKS_CONFIG,
                  "all",
                  ProducerConfig.LINGER_MS_CONFIG,
                  0),
              new StringSerializer(),
              new StringSerializer());
    }
    return producer;
  }

  /**
   * A producer set like identity-service's when {@code lz4} (lz4, linger 5 ms, 256 KiB batches,
   * idempotent), else the same uncompressed.
   */
  public static synchronized PacedProducer platformProducer(boolean lz4) {
    if (paced == null) {
      paced =
          new PacedProducer(
              new KafkaProducer<>(
                  Map.of(
                      ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                      bootstrap(),
                      ProducerConfig.ACKS_CONFIG,
                      "all",
                      ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                      true,
                      ProducerConfig.LINGER_MS_CONFIG,
                      5,
                      ProducerConfig.BATCH_SIZE_CONFIG,
                      256 * 1024,
                      ProducerConfig.COMPRESSION_TYPE_CONFIG,
                      lz4 ? "lz4" : "none"),
                  new StringSerializer(),
                  new StringSerializer()));
    }
    return paced;
  }

  /**
   * Sends records at a fixed rate of resolved events (the other records go with their event), or
   * all at once at rate 0.
   */
  public record PacedProducer(KafkaProducer<String, String> producer) {
    public void pace(List<ProducerRecord<String, String>> records, int eventsPerSecond)
        throws InterruptedException {
      long start = System.nanoTime();
      long events = 0;
      for (ProducerRecord<String, String> r : records) {
        if (eventsPerSecond > 0 && r.topic().equals(org.opencdp.contracts.Topics.EVENTS_RESOLVED)) {
          long due = start + events++ * 1_000_000_000L / eventsPerSecond;
          long wait = due - System.nanoTime();
          if (wait > 1_000_000) {
            Thread.sleep(wait / 1_000_000);
          }
        }
        producer.send(r);
      }
      producer.flush();
    }
  }

  public static void send(String topic, String key, Object value) {
    try {
      String payload = value instanceof String s ? s : JSON.writeValueAsString(value);
      producer().send(new ProducerRecord<>(topic, key, payload)).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every record of a topic since collection started (a background consumer from earliest). */
  public static synchronized List<String> collected(String topic) {
    List<String> existing = COLLECTED.get(topic);
    if (existing != null) {
      return existing;
    }
    List<String> values = new CopyOnWriteArrayList<>();
    COLLECTED.put(topic, values);
    Thread thread =
        new Thread(
            () -> {
              try (KafkaConsumer<String, String> consumer =
                  new KafkaConsumer<>(
                      Map.of(
                          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                          bootstrap(),
                          ConsumerConfig.GROUP_ID_CONFIG,
                          "test-" + UUID.randomUUID(),
                          ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                          "earliest"),
                      new StringDeserializer(),
                      new StringDeserializer())) {
                consumer.subscribe(List.of(topic));
                while (true) {
                  consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                }
              }
            },
            "test-collect-" + topic);
    thread.setDaemon(true);
    thread.start();
    return values;
  }

  /** Delivery results published so far for one profile. */
  public static List<DeliveryResult> results(String profileId) {
    return collected("cdp.deliveries").stream()
        .map(
            v -> {
              try {
                return JSON.readValue(v, DeliveryResult.class);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            })
        .filter(r -> profileId.equals(r.profileId()))
        .toList();
  }
}
