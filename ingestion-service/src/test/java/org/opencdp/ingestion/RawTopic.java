package org.opencdp.ingestion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.opencdp.contracts.Topics;

/**
 * Reads what the gateway wrote to a real topic (by default {@code cdp.events.raw}) since a mark. A
 * 2xx means Kafka acknowledged, so everything accepted is already in the log when the response
 * arrives.
 */
final class RawTopic implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final KafkaConsumer<String, String> consumer;
  private final List<TopicPartition> partitions;
  private Map<TopicPartition, Long> mark;

  private RawTopic(KafkaConsumer<String, String> consumer, List<TopicPartition> partitions) {
    this.consumer = consumer;
    this.partitions = partitions;
  }

  /** Opens {@code cdp.events.raw} (creating it if needed) and marks its current end. */
  static RawTopic fromNow() {
    return fromNow(Topics.EVENTS_RAW);
  }

  /** Opens a topic (creating it if needed) and marks its current end. */
  static RawTopic fromNow(String topicName) {
    String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    ensureTopic(bootstrap, topicName);
    KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new StringDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(topicName, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    RawTopic topic = new RawTopic(consumer, partitions);
    topic.mark();
    return topic;
  }

  void mark() {
    mark = consumer.endOffsets(partitions, Duration.ofSeconds(30));
  }

  /** Every record written since the mark, as JSON, read up to the topic's current end. */
  List<JsonNode> sinceMark() {
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
    consumer.assign(partitions);
    mark.forEach(consumer::seek);
    List<JsonNode> values = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!reached(end) && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
        if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
          values.add(parse(record));
        }
      }
    }
    return values;
  }

  /** Records since the mark that belong to one workspace. */
  List<JsonNode> sinceMark(String workspaceId) {
    return sinceMark().stream()
        .filter(r -> workspaceId.equals(r.path("workspaceId").asText()))
        .collect(Collectors.toList());
  }

  Set<String> keysSinceMark() {
    return sinceMark().stream().map(r -> r.path("_key").asText()).collect(Collectors.toSet());
  }

  private boolean reached(Map<TopicPartition, Long> end) {
    for (TopicPartition partition : partitions) {
      if (consumer.position(partition) < end.get(partition)) {
        return false;
      }
    }
    return true;
  }

  private static JsonNode parse(ConsumerRecord<String, String> record) {
    try {
      var node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(record.value());
      node.put("_key", record.key());
      return node;
    } catch (Exception e) {
      throw new IllegalStateException("not JSON on " + record.topic(), e);
    }
  }

  static void ensureTopic(String bootstrap, String topicName) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topicName, 4, (short) 1))).all().get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException(e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    consumer.close();
  }
}
