package org.opencdp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.opencdp.contracts.Topics;

/** Where the benchmark watches the pipeline from outside: Kafka, a webhook receiver, lag. */
final class BenchObservers {
  private BenchObservers() {}

  /**
   * Reads {@code cdp.segments.membership} with a plain consumer (no group, from the end) and keeps
   * when this JVM first saw each profile enter one segment.
   */
  static final class MembershipWatcher implements AutoCloseable {
    private final Map<String, Long> enteredAt = new ConcurrentHashMap<>();
    private final Map<String, Long> producedAt = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, String> consumer;
    private final String segmentId;
    private final Thread poller;
    private volatile boolean running = true;

    MembershipWatcher(String bootstrap, String segmentId) {
      this.segmentId = segmentId;
      Properties config = new Properties();
      config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.SEGMENTS_MEMBERSHIP).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position); // resolve "end" now, before the traffic starts
      poller = new Thread(this::poll, "bench-membership");
      poller.start();
    }

    private void poll() {
      while (running) {
        var records = consumer.poll(Duration.ofMillis(50));
        long now = System.nanoTime();
        for (ConsumerRecord<String, String> record : records) {
          try {
            JsonNode change = Http.JSON.readTree(record.value());
            if (segmentId.equals(change.path("segmentId").asText())
                && "ENTERED".equals(change.path("kind").asText())) {
              String profile = change.path("profileId").asText();
              enteredAt.putIfAbsent(profile, now);
              producedAt.putIfAbsent(profile, record.timestamp());
            }
          } catch (IOException notJson) {
            // not a membership change of ours
          }
        }
      }
      consumer.close();
    }

    /** When each profile's ENTERED was first read here (nanoTime). */
    Map<String, Long> enteredAt() {
      return enteredAt;
    }

    /** When that ENTERED record was produced (its CreateTime, epoch ms). */
    Map<String, Long> producedAt() {
      return producedAt;
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      poller.join(10_000);
    }
  }

  /** A webhook endpoint that keeps when each profile's first delivery arrived. */
  static final class TimedWebhooks implements AutoCloseable {
    private final Map<String, Long> receivedAt = new ConcurrentHashMap<>();
    private final HttpServer server;

    TimedWebhooks() {
      try {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      server.setExecutor(Executors.newFixedThreadPool(4));
      server.createContext(
          "/hook",
          exchange -> {
            long now = System.nanoTime();
            JsonNode body = Http.JSON.readTree(exchange.getRequestBody());
            receivedAt.putIfAbsent(body.path("profileId").asText(), now);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
          });
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    Map<String, Long> receivedAt() {
      return receivedAt;
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /** Messages not yet consumed, per consumer group of the platform (end offset - committed). */
  static Map<String, Long> consumerLag(String bootstrap) {
    Map<String, Long> lag = new TreeMap<>();
    groupOffsets(bootstrap).forEach((group, offsets) -> lag.put(group, offsets.lag()));
    return lag;
  }

  /**
   * Per consumer group, the records of its partitions not yet committed, and the end offsets of
   * those partitions summed: two readings of it give the group's input rate.
   */
  static Map<String, GroupOffsets> groupOffsets(String bootstrap) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      Map<String, GroupOffsets> offsets = new TreeMap<>();
      for (GroupListing group :
          admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get(30, TimeUnit.SECONDS)) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin
                .listConsumerGroupOffsets(group.groupId())
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
        long lag = 0;
        long end = 0;
        for (var entry : committed.entrySet()) {
          if (entry.getValue() != null) {
            long partitionEnd = ends.get(entry.getKey()).offset();
            lag += Math.max(0, partitionEnd - entry.getValue().offset());
            end += partitionEnd;
          }
        }
        offsets.put(group.groupId(), new GroupOffsets(lag, end));
      }
      return offsets;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read consumer lag: " + e.getMessage(), e);
    }
  }

  /** See {@link #groupOffsets}. */
  record GroupOffsets(long lag, long end) {}
}
