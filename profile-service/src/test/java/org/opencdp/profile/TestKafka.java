package org.opencdp.profile;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.Topics;

/** Plain Kafka clients against the real test broker: produce input, read output topics back. */
public final class TestKafka {
  public static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);

  private static KafkaProducer<String, String> producer;

  private TestKafka() {}

  static String bootstrap() {
    return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
  }

  static synchronized KafkaProducer<String, String> producer() {
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

  public static void send(String topic, String key, String value) {
    try {
      producer().send(new ProducerRecord<>(topic, key, value)).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static void send(EventEnvelope event) {
    send(Topics.EVENTS_RESOLVED, event.workspaceId() + ":" + event.profileId(), write(event));
  }

  public static void send(IdentityChange change) {
    send(Topics.IDENTITY_MERGES, change.partitionKey(), write(change));
  }

  public static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every record of {@code topic} so far. */
  public static List<ConsumerRecord<String, String>> readAll(String topic) {
    List<ConsumerRecord<String, String>> all = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 3000;
      int emptyPolls = 0;
      while (System.currentTimeMillis() < deadline && emptyPolls < 3) {
        var records = consumer.poll(Duration.ofMillis(300));
        if (records.isEmpty() && !consumer.assignment().isEmpty()) {
          emptyPolls++;
        }
        records.forEach(all::add);
      }
    }
    return all;
  }

  /** ProfileChanged messages of one profile, in topic order. */
  public static List<ProfileChanged> profileChanges(String workspaceId, String profileId) {
    List<ProfileChanged> found = new ArrayList<>();
    for (var record : readAll(Topics.PROFILES_CHANGED)) {
      if (!(workspaceId + ":" + profileId).equals(record.key())) {
        continue;
      }
      try {
        found.add(JSON.readValue(record.value(), ProfileChanged.class));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return found;
  }

  /** Waits until a ProfileChanged of the profile matches. */
  public static ProfileChanged awaitProfileChanged(
      String workspaceId, String profileId, Predicate<ProfileChanged> matching) {
    List<ProfileChanged> holder = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              holder.clear();
              profileChanges(workspaceId, profileId).stream().filter(matching).forEach(holder::add);
              return !holder.isEmpty();
            });
    return holder.get(holder.size() - 1);
  }
}
