package org.opencdp.activation.messaging;

import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.opencdp.activation.config.ActivationConfig;
import org.opencdp.contracts.Topics;

/**
 * Processes one Kafka poll: records with the same key (workspace + profile) in order, different
 * keys in parallel. A record that cannot be read goes to {@code <topic>.dlq} with the reason; a
 * failure of our infrastructure is retried with back-off, then fails the batch (nothing is
 * committed and the channel stops, so no message is lost).
 */
@ApplicationScoped
public class KeyedBatch {
  /** Thrown by a handler for a message that will never be processable. */
  public static class PoisonMessage extends RuntimeException {
    public PoisonMessage(String reason) {
      super(reason, null, false, false);
    }
  }

  /** Handles one record. */
  @FunctionalInterface
  public interface Handler {
    void handle(String payload);
  }

  private static final int INFRASTRUCTURE_RETRIES = 5;

  private final ExecutorService pool;
  private final MutinyEmitter<String> dlq;

  KeyedBatch(ActivationConfig config, @Channel(Channels.DLQ_OUT) MutinyEmitter<String> dlq) {
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            config.consumerParallelism(),
            r -> {
              Thread t = new Thread(r, "activation-consumer-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.dlq = dlq;
  }

  /**
   * Decides on the polling thread, cheaply, whether a record needs its handler at all; throws
   * {@link PoisonMessage} for one that will never be processable.
   */
  @FunctionalInterface
  public interface Filter {
    boolean wanted(String payload);
  }

  public void process(ConsumerRecords<String, String> records, Handler handler) {
    process(records, payload -> true, handler);
  }

  /**
   * {@link #process(ConsumerRecords, Handler)} for the records {@code filter} wants only: the
   * others are neither handed to a worker thread nor handled.
   */
  public void process(ConsumerRecords<String, String> records, Filter filter, Handler handler) {
    Map<String, List<ConsumerRecord<String, String>>> byKey = new LinkedHashMap<>();
    for (ConsumerRecord<String, String> record : records) {
      if (!wanted(record, filter)) {
        continue;
      }
      byKey.computeIfAbsent(String.valueOf(record.key()), k -> new ArrayList<>()).add(record);
    }
    if (byKey.isEmpty()) {
      return;
    }
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (List<ConsumerRecord<String, String>> group : byKey.values()) {
      all.add(
          CompletableFuture.runAsync(() -> group.forEach(record -> one(record, handler)), pool));
    }
    CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).join();
  }

  /**
   * Whether the filter wants the record: a poison record is dead-lettered (not wanted), a failure
   * of our infrastructure (a campaign cache reload) is retried like a handler's, then fails the
   * batch.
   */
  private boolean wanted(ConsumerRecord<String, String> record, Filter filter) {
    for (int attempt = 1; ; attempt++) {
      try {
        return filter.wanted(record.value());
      } catch (PoisonMessage poison) {
        deadLetter(record, poison.getMessage());
        return false;
      } catch (RuntimeException e) {
        if (attempt > INFRASTRUCTURE_RETRIES) {
          Log.errorf(
              "%s offset %d not filtered after %d attempts: %s",
              record.topic(), record.offset(), attempt, e.getClass().getName());
          throw e;
        }
        pause(attempt, e);
      }
    }
  }

  /** Reads one record; throws {@link PoisonMessage} for one that will never be readable. */
  @FunctionalInterface
  public interface Reader<T> {
    T read(String payload);
  }

  /**
   * The whole poll as one list for a handler that keeps only the newest state of each key (so the
   * order of a key's records does not matter to it). Unreadable records go to the DLQ; a failure of
   * our infrastructure retries the list (handlers are idempotent), then fails the batch.
   */
  public <T> void processNewest(
      ConsumerRecords<String, String> records, Reader<T> reader, Consumer<List<T>> handler) {
    List<T> all = new ArrayList<>(records.count());
    for (ConsumerRecord<String, String> record : records) {
      try {
        all.add(reader.read(record.value()));
      } catch (PoisonMessage poison) {
        deadLetter(record, poison.getMessage());
      }
    }
    handleWithRetries(all, handler);
  }

  /**
   * The batched variant: the poll is split into rounds, round n holding the n-th record of every
   * key, and each round is handled as one list, rounds in order (so a key's records stay in order
   * and most polls are one round). Unreadable records go to the DLQ; a failure of our
   * infrastructure retries the round (handlers are idempotent), then fails the batch.
   */
  public <T> void processInRounds(
      ConsumerRecords<String, String> records, Reader<T> reader, Consumer<List<T>> handler) {
    Map<String, Integer> seen = new HashMap<>();
    List<List<T>> rounds = new ArrayList<>();
    for (ConsumerRecord<String, String> record : records) {
      T value;
      try {
        value = reader.read(record.value());
      } catch (PoisonMessage poison) {
        deadLetter(record, poison.getMessage());
        continue;
      }
      int round = seen.merge(String.valueOf(record.key()), 1, Integer::sum) - 1;
      if (round == rounds.size()) {
        rounds.add(new ArrayList<>());
      }
      rounds.get(round).add(value);
    }
    for (List<T> round : rounds) {
      handleWithRetries(round, handler);
    }
  }

  private static <T> void handleWithRetries(List<T> values, Consumer<List<T>> handler) {
    if (values.isEmpty()) {
      return;
    }
    for (int attempt = 1; ; attempt++) {
      try {
        handler.accept(values);
        return;
      } catch (RuntimeException e) {
        if (attempt > INFRASTRUCTURE_RETRIES) {
          Log.errorf(
              "a list of %d records failed %d times: %s",
              values.size(), attempt, e.getClass().getName());
          throw e;
        }
        pause(attempt, e);
      }
    }
  }

  private static void pause(int attempt, RuntimeException cause) {
    try {
      Thread.sleep(Math.min(5_000L, 100L << attempt));
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw cause;
    }
  }

  private void one(ConsumerRecord<String, String> record, Handler handler) {
    for (int attempt = 1; ; attempt++) {
      try {
        handler.handle(record.value());
        return;
      } catch (PoisonMessage poison) {
        deadLetter(record, poison.getMessage());
        return;
      } catch (RuntimeException e) {
        if (attempt > INFRASTRUCTURE_RETRIES) {
          Log.errorf(
              "%s offset %d failed %d times: %s",
              record.topic(), record.offset(), attempt, e.getClass().getName());
          throw e;
        }
        try {
          Thread.sleep(Math.min(5_000L, 100L << attempt));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private void deadLetter(ConsumerRecord<String, String> record, String reason) {
    Log.warnf("%s offset %d dead-lettered: %s", record.topic(), record.offset(), reason);
    RecordHeaders headers = new RecordHeaders();
    headers.add("dead-letter-reason", reason.getBytes(StandardCharsets.UTF_8));
    dlq.sendMessage(
            Message.of(record.value() == null ? "" : record.value())
                .addMetadata(
                    OutgoingKafkaRecordMetadata.<String>builder()
                        .withTopic(record.topic() + Topics.DLQ_SUFFIX)
                        .withKey(record.key())
                        .withHeaders(headers)
                        .build()))
        .await()
        .indefinitely();
  }

  @PreDestroy
  void close() {
    pool.shutdownNow();
  }
}
