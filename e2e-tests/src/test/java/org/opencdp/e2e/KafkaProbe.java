package org.opencdp.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads the platform's topics from outside, as an operator would: a plain consumer and Admin. */
final class KafkaProbe {
  private final String bootstrap;

  KafkaProbe(String bootstrap) {
    this.bootstrap = bootstrap;
  }

  /**
   * Occurrences of every messageId starting with {@code prefix} on {@code topic}, read from the
   * beginning to the end offsets of the moment, without a consumer group.
   */
  Map<String, Integer> countMessageIds(String topic, String prefix) throws IOException {
    Map<String, Integer> counts = new HashMap<>();
    readToEnd(
        topic,
        Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        KafkaConsumer::seekToBeginning,
        record -> {
          String messageId = Http.JSON.readTree(record.value()).path("messageId").asText();
          if (messageId.startsWith(prefix)) {
            counts.merge(messageId, 1, Integer::sum);
          }
        });
    return counts;
  }

  /**
   * When the first record of {@code topic} whose value contains {@code marker} was produced, by the
   * value's top-level {@code field}: the record's CreateTime (epoch ms, set by its producer at
   * send), read from records produced since {@code fromEpochMs} to the end offsets of the moment.
   */
  Map<String, Long> producedAt(String topic, long fromEpochMs, String marker, String field)
      throws IOException {
    Map<String, Long> producedAt = new HashMap<>();
    readToEnd(
        topic,
        Map.of(),
        (consumer, partitions) -> seekToTime(consumer, partitions, fromEpochMs),
        record -> {
          if (new String(record.value(), StandardCharsets.UTF_8).contains(marker)) {
            String key = Http.JSON.readTree(record.value()).path(field).asText();
            producedAt.merge(key, record.timestamp(), Math::min);
          }
        });
    return producedAt;
  }

  private static void seekToTime(
      KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, long epochMs) {
    Map<TopicPartition, Long> at = new HashMap<>();
    partitions.forEach(p -> at.put(p, epochMs));
    var offsets = consumer.offsetsForTimes(at, Duration.ofSeconds(30));
    for (TopicPartition partition : partitions) {
      var offset = offsets.get(partition);
      if (offset == null) {
        consumer.seekToEnd(List.of(partition)); // nothing produced since
      } else {
        consumer.seek(partition, offset.offset());
      }
    }
  }

  private interface RecordHandler {
    void handle(ConsumerRecord<byte[], byte[]> record) throws IOException;
  }

  /** Reads every partition of {@code topic} from where {@code seek} puts it to today's end. */
  private void readToEnd(
      String topic,
      Map<String, Object> settings,
      BiConsumer<KafkaConsumer<byte[], byte[]>, List<TopicPartition>> seek,
      RecordHandler handler)
      throws IOException {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    config.putAll(settings);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      seek.accept(consumer, partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (!reached(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end " + end);
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
          handler.handle(record);
        }
      }
    }
  }

  private static boolean reached(
      KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
    return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }

  /**
   * Waits until every consumer group has committed up to the end of every partition it reads, twice
   * in a row with no new record in between: then every service has processed what was produced.
   */
  void awaitQuiet(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<TopicPartition, Long> previousEnd = null;
    long lag = -1;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      while (System.nanoTime() < deadline) {
        Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(admin);
        Map<TopicPartition, Long> end = endOffsets(admin, committed.keySet());
        lag = 0;
        for (var entry : committed.entrySet()) {
          long position = entry.getValue() == null ? 0 : entry.getValue().offset();
          lag += Math.max(0, end.getOrDefault(entry.getKey(), 0L) - position);
        }
        if (lag == 0 && end.equals(previousEnd)) {
          return;
        }
        previousEnd = lag == 0 ? end : null;
        Thread.sleep(3000);
      }
    }
    throw new AssertionError("consumers still behind by " + lag + " records after " + timeout);
  }

  private static Map<TopicPartition, OffsetAndMetadata> committedOffsets(Admin admin)
      throws Exception {
    Collection<ConsumerGroupListing> groups = admin.listConsumerGroups().all().get(30, SECONDS);
    Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
    groups.forEach(g -> specs.put(g.groupId(), new ListConsumerGroupOffsetsSpec()));
    Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
    if (specs.isEmpty()) {
      return committed;
    }
    var all = admin.listConsumerGroupOffsets(specs).all().get(30, SECONDS);
    for (var group : all.entrySet()) {
      group
          .getValue()
          .forEach(
              (partition, offset) -> {
                if (offset != null) {
                  committed.merge(partition, offset, KafkaProbe::lower);
                }
              });
    }
    return committed;
  }

  /** Two groups reading one partition: the one further behind decides. */
  private static OffsetAndMetadata lower(OffsetAndMetadata a, OffsetAndMetadata b) {
    return a.offset() <= b.offset() ? a : b;
  }

  private static Map<TopicPartition, Long> endOffsets(
      Admin admin, Collection<TopicPartition> partitions) throws Exception {
    Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
    partitions.forEach(p -> latest.put(p, org.apache.kafka.clients.admin.OffsetSpec.latest()));
    Map<TopicPartition, Long> end = new HashMap<>();
    admin
        .listOffsets(latest)
        .all()
        .get(30, SECONDS)
        .forEach((partition, info) -> end.put(partition, info.offset()));
    return end;
  }

  private static final TimeUnit SECONDS = TimeUnit.SECONDS;
}
