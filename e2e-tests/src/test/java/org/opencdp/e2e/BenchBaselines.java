package org.opencdp.e2e;

import static com.mongodb.client.model.Filters.eq;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;

/**
 * The raw infrastructure of the same run, measured from this JVM with plain clients: what the
 * services' figures are compared with.
 */
final class BenchBaselines {
  private BenchBaselines() {}

  /**
   * A plain producer (acks=all, idempotent, lz4, like the gateway's) sending {@code records}
   * records of {@code payload} to a scratch topic: records/s and send-to-acknowledgement latency.
   */
  static BenchRun.Result kafkaProducer(String bootstrap, byte[] payload, int records)
      throws Exception {
    String topic = "bench.scratch";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin
          .createTopics(List.of(new NewTopic(topic, 4, (short) 1)))
          .all()
          .get(60, TimeUnit.SECONDS);
    }
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 262144);
    BenchRun.Latencies latencies = new BenchRun.Latencies();
    AtomicLong errors = new AtomicLong();
    long start = System.nanoTime();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < records; i++) {
        long sent = System.nanoTime();
        producer.send(
            new ProducerRecord<>(topic, "user-" + (i % 5000), payload),
            (metadata, error) -> {
              if (error == null) {
                latencies.add(System.nanoTime() - sent);
              } else {
                errors.incrementAndGet();
              }
            });
      }
      producer.flush();
    }
    return new BenchRun.Result(
        latencies.count(), errors.get(), (System.nanoTime() - start) / 1e9, latencies);
  }

  /** SISMEMBER on a scratch set of {@code members} members, one connection per thread. */
  static BenchRun.Result redisSismember(int port, int members, int threads, Duration duration)
      throws IOException {
    String key = "bench:scratch:members";
    try (Resp setup = new Resp(port)) {
      for (int i = 0; i < members; i += 500) {
        List<String> command = new ArrayList<>(List.of("SADD", key));
        for (int m = i; m < Math.min(members, i + 500); m++) {
          command.add("profile-" + m);
        }
        setup.call(command.toArray(String[]::new));
      }
    }
    List<Resp> connections = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        connections.add(new Resp(port));
      }
      return BenchRun.closedLoop(
          threads,
          duration,
          (thread, i) -> {
            String answer =
                connections
                    .get(thread)
                    .call("SISMEMBER", key, "profile-" + ((i * 7919 + thread) % members));
            return answer.equals(":1") ? 1 : 0;
          });
    } finally {
      for (Resp connection : connections) {
        connection.close();
      }
    }
  }

  /**
   * find by _id on the MongoDB-wire test server (mongo-java-server, an in-memory test double, not
   * MongoDB) over a scratch collection of {@code documents} profile-like documents.
   */
  static BenchRun.Result mongoFindById(
      String connectionString, int documents, int threads, Duration duration) {
    try (MongoClient client = MongoClients.create(connectionString)) {
      MongoCollection<Document> collection =
          client.getDatabase("bench_scratch").getCollection("profiles");
      List<Document> batch = new ArrayList<>();
      for (int i = 0; i < documents; i++) {
        batch.add(
            new Document("_id", "profile-" + i)
                .append("workspaceId", "shop")
                .append(
                    "traits", new Document("email", "p" + i + "@bench.test").append("plan", "pro"))
                .append(
                    "identifiers",
                    List.of(new Document("type", "user_id").append("value", "u" + i))));
        if (batch.size() == 1000 || i == documents - 1) {
          collection.insertMany(batch);
          batch = new ArrayList<>();
        }
      }
      return BenchRun.closedLoop(
          threads,
          duration,
          (thread, i) ->
              collection.find(eq("_id", "profile-" + ((i * 7919 + thread) % documents))).first()
                      != null
                  ? 1
                  : 0);
    }
  }

  /** Just enough of the Redis protocol for one-line answers. */
  private static final class Resp implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    Resp(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setTcpNoDelay(true);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream());
    }

    String call(String... parts) throws IOException {
      StringBuilder command = new StringBuilder("*").append(parts.length).append("\r\n");
      for (String part : parts) {
        command
            .append('$')
            .append(part.getBytes(StandardCharsets.UTF_8).length)
            .append("\r\n")
            .append(part)
            .append("\r\n");
      }
      out.write(command.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new IOException("Redis closed the connection");
        }
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
