package org.opencdp.segment.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
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
import org.opencdp.contracts.PrivacyRequest;
import org.opencdp.contracts.PrivacyStatus;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.SegmentMembershipChanged;
import org.opencdp.contracts.Topics;
import org.opencdp.testsupport.EventEnvelopeBuilder;

/**
 * Plain Kafka clients against the real test broker: a producer for the service's input topics and
 * one background consumer that records every membership message the service publishes.
 */
public final class TestKafka {
  public static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private static KafkaProducer<String, String> producer;
  private static final ConcurrentLinkedQueue<Received> MEMBERSHIP = new ConcurrentLinkedQueue<>();
  private static Thread reader;
  private static final ConcurrentLinkedQueue<PrivacyStatus> STATUSES =
      new ConcurrentLinkedQueue<>();
  private static Thread statusReader;

  /** A membership message as read from the topic, with its Kafka key. */
  public record Received(String key, SegmentMembershipChanged message) {}

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

  /**
   * Sends {@code records} as one produce request per partition (a lingering producer, flushed at
   * the end): the broker appends each partition's records together, so a consumer's next poll
   * returns them together, in one batch.
   */
  public static void sendTogether(List<ProducerRecord<String, String>> records) {
    try (KafkaProducer<String, String> together =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                60_000,
                ProducerConfig.BATCH_SIZE_CONFIG,
                1 << 20),
            new StringSerializer(),
            new StringSerializer())) {
      records.forEach(together::send);
      together.flush();
    }
  }

  /** The record {@link #send(EventEnvelope)} sends. */
  public static ProducerRecord<String, String> record(EventEnvelope event) {
    return new ProducerRecord<>(
        Topics.EVENTS_RESOLVED, event.workspaceId() + ":" + event.profileId(), write(event));
  }

  /** Sends without waiting; call {@link #flush()} after a batch. */
  public static void sendAsync(ProfileChanged change) {
    producer()
        .send(new ProducerRecord<>(Topics.PROFILES_CHANGED, change.partitionKey(), write(change)));
  }

  public static void flush() {
    producer().flush();
  }

  public static void send(ProfileChanged change) {
    send(Topics.PROFILES_CHANGED, change.partitionKey(), write(change));
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

  /** A profile snapshot as the profile-service publishes it. */
  public static ProfileChanged profile(
      String ws,
      String profileId,
      long version,
      Map<String, Object> traits,
      Map<String, Object> computed,
      Map<String, Boolean> consent,
      String... changedFields) {
    return new ProfileChanged(
        ws,
        profileId,
        version,
        List.of(changedFields),
        traits,
        computed,
        consent,
        List.of(),
        null,
        Instant.now(),
        false);
  }

  public static ProfileChanged deleted(String ws, String profileId, long version) {
    return new ProfileChanged(
        ws,
        profileId,
        version,
        List.of("deleted"),
        Map.of(),
        Map.of(),
        Map.of(),
        List.of(),
        null,
        Instant.now(),
        true);
  }

  /** A resolved track event. */
  public static EventEnvelope track(
      String ws, String profileId, String event, Instant at, Map<String, Object> properties) {
    return EventEnvelopeBuilder.track(event)
        .workspaceId(ws)
        .sourceId("src")
        .userId("user-" + profileId)
        .properties(properties)
        .at(at)
        .profileId(profileId)
        .build();
  }

  /** Starts (once per JVM) the consumer recording cdp.segments.membership from the beginning. */
  public static synchronized void startReader() {
    if (reader != null) {
      return;
    }
    KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "segment-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer());
    consumer.subscribe(List.of(Topics.SEGMENTS_MEMBERSHIP));
    reader =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                  try {
                    MEMBERSHIP.add(
                        new Received(
                            r.key(), JSON.readValue(r.value(), SegmentMembershipChanged.class)));
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }
              }
            },
            "membership-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Publishes a privacy request as the profile-service does; returns it. */
  public static PrivacyRequest sendPrivacyRequest(
      String ws, String profileId, PrivacyRequest.Kind kind) {
    PrivacyRequest request =
        new PrivacyRequest(
            UUID.randomUUID().toString(), ws, kind, profileId, List.of(), Instant.now());
    send(request);
    return request;
  }

  public static void send(PrivacyRequest request) {
    send(Topics.PRIVACY_REQUESTS, request.partitionKey(), write(request));
  }

  /** Starts (once per JVM) the consumer recording cdp.privacy.status from the beginning. */
  public static synchronized void startStatusReader() {
    if (statusReader != null) {
      return;
    }
    KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "segment-test-status-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer());
    consumer.subscribe(List.of(PrivacyStatus.TOPIC));
    statusReader =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                  try {
                    STATUSES.add(JSON.readValue(r.value(), PrivacyStatus.class));
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }
              }
            },
            "privacy-status-reader");
    statusReader.setDaemon(true);
    statusReader.start();
  }

  /** Waits until {@code count} answers to {@code requestId} were published; returns them all. */
  public static List<PrivacyStatus> awaitPrivacyStatuses(String requestId, int count) {
    startStatusReader();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> privacyStatuses(requestId).size() >= count);
    return privacyStatuses(requestId);
  }

  public static List<PrivacyStatus> privacyStatuses(String requestId) {
    return STATUSES.stream().filter(s -> s.requestId().equals(requestId)).toList();
  }

  /** Membership messages of a workspace received so far. */
  public static List<SegmentMembershipChanged> membership(String ws) {
    List<SegmentMembershipChanged> result = new ArrayList<>();
    for (Received r : MEMBERSHIP) {
      if (r.message().workspaceId().equals(ws)) {
        result.add(r.message());
      }
    }
    return result;
  }

  public static List<Received> received(String ws) {
    return MEMBERSHIP.stream().filter(r -> r.message().workspaceId().equals(ws)).toList();
  }

  /** Waits for a membership message of {@code ws} matching {@code condition}. */
  public static SegmentMembershipChanged awaitMembership(
      String ws, Predicate<SegmentMembershipChanged> condition) {
    startReader();
    SegmentMembershipChanged[] found = new SegmentMembershipChanged[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              for (SegmentMembershipChanged m : membership(ws)) {
                if (condition.test(m)) {
                  found[0] = m;
                  return true;
                }
              }
              return false;
            });
    return found[0];
  }

  public static Predicate<SegmentMembershipChanged> entered(String profileId, String segmentId) {
    return m ->
        m.profileId().equals(profileId)
            && m.segmentId().equals(segmentId)
            && m.kind() == SegmentMembershipChanged.Kind.ENTERED;
  }

  public static Predicate<SegmentMembershipChanged> exited(String profileId, String segmentId) {
    return m ->
        m.profileId().equals(profileId)
            && m.segmentId().equals(segmentId)
            && m.kind() == SegmentMembershipChanged.Kind.EXITED;
  }
}
