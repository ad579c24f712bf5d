package org.opencdp.identity.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.contracts.PrivacyRequest;
import org.opencdp.contracts.PrivacyStatus;
import org.opencdp.contracts.Topics;

/**
 * A plain Kafka producer for raw events and one background consumer that records everything the
 * service publishes (resolved events, identity changes, dead letters), shared by the test JVM.
 */
public final class KafkaTestClient {
  public static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private static KafkaTestClient instance;

  private final KafkaProducer<String, String> producer;
  private final ConcurrentLinkedQueue<ConsumerRecord<String, String>> received =
      new ConcurrentLinkedQueue<>();
  private final java.util.concurrent.ConcurrentHashMap<String, AtomicLong> resolvedPerWorkspace =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** One record the service published. */
  public record Published(String topic, String key, String value, Map<String, String> headers) {}

  private KafkaTestClient(String bootstrap) {
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName()));
    KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "identity-tests-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class.getName()));
    consumer.subscribe(
        List.of(
            Topics.EVENTS_RESOLVED,
            Topics.IDENTITY_MERGES,
            Topics.EVENTS_RAW + Topics.DLQ_SUFFIX,
            PrivacyStatus.TOPIC,
            Topics.PRIVACY_REQUESTS + Topics.DLQ_SUFFIX));
    Thread poller =
        new Thread(
            () -> {
              while (true) {
                consumer.poll(Duration.ofMillis(100)).forEach(this::record);
              }
            },
            "identity-test-consumer");
    poller.setDaemon(true);
    poller.start();
  }

  private void record(ConsumerRecord<String, String> record) {
    received.add(record);
    String key = record.key();
    if (record.topic().equals(Topics.EVENTS_RESOLVED) && key != null && key.indexOf(':') > 0) {
      resolvedPerWorkspace
          .computeIfAbsent(key.substring(0, key.indexOf(':')), ws -> new AtomicLong())
          .incrementAndGet();
    }
  }

  public static synchronized KafkaTestClient get() {
    if (instance == null) {
      instance = new KafkaTestClient(TopicsResource.bootstrapServers());
    }
    return instance;
  }

  /** Publishes a raw event as the ingestion-service does (JSON, keyed by rawPartitionKey). */
  public void send(EventEnvelope event) {
    try {
      sendRaw(event.rawPartitionKey(), JSON.writeValueAsString(event));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Publishes many raw events without waiting for each acknowledgement (benchmark). */
  public void sendAll(List<EventEnvelope> events) {
    try {
      for (EventEnvelope event : events) {
        producer.send(
            new ProducerRecord<>(
                Topics.EVENTS_RAW, event.rawPartitionKey(), JSON.writeValueAsString(event)));
      }
      producer.flush();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Number of resolved records published for a workspace: a counter, because the benchmark polls it
   * while hundreds of thousands of records arrive (scanning them took 9% of the CPU of a run).
   */
  public long countResolved(String workspaceId) {
    AtomicLong count = resolvedPerWorkspace.get(workspaceId);
    return count == null ? 0 : count.get();
  }

  /** Publishes a raw event and returns where it landed (partition, offset). */
  public RecordMetadata sendForMetadata(EventEnvelope event) {
    try {
      return producer
          .send(
              new ProducerRecord<>(
                  Topics.EVENTS_RAW, event.rawPartitionKey(), JSON.writeValueAsString(event)))
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot publish a raw event", e);
    }
  }

  public void sendRaw(String key, String value) {
    try {
      producer.send(new ProducerRecord<>(Topics.EVENTS_RAW, key, value)).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot publish a raw event", e);
    }
  }

  /** Publishes a privacy request as the profile-service does (JSON, keyed by workspace:profile). */
  public void sendPrivacyRequest(PrivacyRequest request) {
    try {
      sendTo(Topics.PRIVACY_REQUESTS, request.partitionKey(), JSON.writeValueAsString(request));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public void sendTo(String topic, String key, String value) {
    try {
      producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot publish to " + topic, e);
    }
  }

  /** Answers published for a privacy request, with their record keys. */
  public List<Published> privacyStatusRecords(String requestId) {
    return published(PrivacyStatus.TOPIC).stream()
        .filter(record -> read(record.value(), PrivacyStatus.class).requestId().equals(requestId))
        .toList();
  }

  public List<PrivacyStatus> privacyStatuses(String requestId) {
    return privacyStatusRecords(requestId).stream()
        .map(record -> read(record.value(), PrivacyStatus.class))
        .toList();
  }

  public List<Published> privacyDeadLetters() {
    return published(Topics.PRIVACY_REQUESTS + Topics.DLQ_SUFFIX);
  }

  /** Waits for the resolved copy of an event. */
  public EventEnvelope awaitResolved(EventEnvelope event) {
    return awaitResolved(event, 1).get(0);
  }

  /** Waits until the event was resolved (published) at least {@code times} times. */
  public List<EventEnvelope> awaitResolved(EventEnvelope event, int times) {
    List<EventEnvelope> result = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              result.clear();
              result.addAll(
                  resolved(
                      e ->
                          e.workspaceId().equals(event.workspaceId())
                              && e.messageId().equals(event.messageId())));
              return result.size() >= times;
            });
    return result;
  }

  public List<EventEnvelope> resolved(Predicate<EventEnvelope> filter) {
    return published(Topics.EVENTS_RESOLVED).stream()
        .map(record -> read(record.value(), EventEnvelope.class))
        .filter(filter)
        .toList();
  }

  public List<Published> resolvedRecords(String workspaceId) {
    return published(Topics.EVENTS_RESOLVED).stream()
        .filter(record -> record.key().startsWith(workspaceId + ":"))
        .toList();
  }

  public List<IdentityChange> changes(String workspaceId) {
    return published(Topics.IDENTITY_MERGES).stream()
        .map(record -> read(record.value(), IdentityChange.class))
        .filter(change -> change.workspaceId().equals(workspaceId))
        .toList();
  }

  public List<Published> changeRecords(String workspaceId) {
    return published(Topics.IDENTITY_MERGES).stream()
        .filter(record -> record.key().startsWith(workspaceId + ":"))
        .toList();
  }

  public List<Published> deadLetters() {
    return published(Topics.EVENTS_RAW + Topics.DLQ_SUFFIX);
  }

  private List<Published> published(String topic) {
    List<Published> result = new ArrayList<>();
    for (ConsumerRecord<String, String> record : received) {
      if (record.topic().equals(topic)) {
        Map<String, String> headers = new java.util.HashMap<>();
        for (Header header : record.headers()) {
          headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        result.add(new Published(record.topic(), record.key(), record.value(), headers));
      }
    }
    return result;
  }

  private static <T> T read(String json, Class<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (Exception e) {
      throw new IllegalStateException("unreadable record on an output topic", e);
    }
  }
}
