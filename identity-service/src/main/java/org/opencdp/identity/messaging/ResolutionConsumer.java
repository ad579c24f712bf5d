package org.opencdp.identity.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.identity.config.IdentityConfig;
import org.opencdp.identity.service.DuplicatedContexts;
import org.opencdp.identity.service.IdentityMetrics;
import org.opencdp.identity.service.resolution.FastPathResolver;
import org.opencdp.identity.service.resolution.IdentityResolver;
import org.opencdp.identity.service.resolution.PoisonEventException;
import org.opencdp.identity.service.resolution.Resolution;

/**
 * Consumes {@code cdp.events.raw} in batches. First the known and new visitors at the head of each
 * key's run of records are resolved together in one transaction ({@link FastPathResolver}); the
 * rest of each key's records are resolved one after the other in offset order, different keys in
 * parallel (up to {@code cdp.identity.consumer-parallelism}), each in its own transaction on its
 * own Vert.x context. Results are sent to Kafka as soon as they are committed; the batch completes,
 * and its offsets are committed, only when every send was acknowledged. A crash in between replays
 * the batch, and the processed-events table turns the replay into re-sends of the same results
 * (at-least-once, idempotent).
 *
 * <p>An event whose every identifier was erased by a privacy request after the gateway received it
 * ({@link Resolution.Outcome#ERASED}) is not published; it is counted and logged by message id.
 *
 * <p>Unreadable events go to {@code cdp.events.raw.dlq} with the reason. Infrastructure failures
 * are retried with back-off; if they persist, the batch fails, the channel reports unhealthy and
 * nothing is committed: events are never dead-lettered because the database was down.
 */
@ApplicationScoped
public class ResolutionConsumer {
  public static final String RAW = "events-raw";

  private final IdentityResolver resolver;
  private final FastPathResolver fastPath;
  private final ChangePublisher publisher;
  private final DuplicatedContexts contexts;
  private final IdentityMetrics metrics;
  private final ObjectMapper mapper;
  private final int parallelism;
  private final int infrastructureRetries;

  public ResolutionConsumer(
      IdentityResolver resolver,
      FastPathResolver fastPath,
      ChangePublisher publisher,
      DuplicatedContexts contexts,
      IdentityMetrics metrics,
      ObjectMapper mapper,
      IdentityConfig config) {
    this.resolver = resolver;
    this.fastPath = fastPath;
    this.publisher = publisher;
    this.contexts = contexts;
    this.metrics = metrics;
    this.mapper = mapper;
    this.parallelism = config.consumerParallelism();
    this.infrastructureRetries = config.infrastructureRetries();
  }

  /** A readable record and its event. */
  private record Parsed(ConsumerRecord<String, String> record, EventEnvelope event) {}

  @Incoming(RAW)
  public Uni<Void> consume(ConsumerRecords<String, String> records) {
    List<CompletableFuture<Void>> sends = java.util.Collections.synchronizedList(new ArrayList<>());
    Map<String, List<Parsed>> byKey = new LinkedHashMap<>();
    for (ConsumerRecord<String, String> record : records) {
      try {
        byKey
            .computeIfAbsent(record.key() == null ? "" : record.key(), key -> new ArrayList<>())
            .add(new Parsed(record, parse(record.value())));
      } catch (PoisonEventException e) {
        deadLetter(record, e.getMessage(), sends);
      }
    }
    List<List<Parsed>> groups = new ArrayList<>(byKey.values());
    List<List<EventEnvelope>> events =
        groups.stream().map(group -> group.stream().map(Parsed::event).toList()).toList();
    return withInfrastructureRetries(
            contexts.run(() -> fastPath.resolveLeading(events)), "a batch of " + records.count())
        .chain(
            leading -> {
              List<List<Parsed>> remaining = new ArrayList<>();
              for (int g = 0; g < groups.size(); g++) {
                List<Parsed> group = groups.get(g);
                List<Resolution> resolved = leading.get(g);
                for (int i = 0; i < resolved.size(); i++) {
                  publish(group.get(i).event(), resolved.get(i), sends);
                }
                if (resolved.size() < group.size()) {
                  remaining.add(group.subList(resolved.size(), group.size()));
                }
              }
              return Multi.createFrom()
                  .iterable(remaining)
                  .onItem()
                  .transformToUni(group -> contexts.run(() -> resolveInOrder(group, sends)))
                  .merge(parallelism)
                  .collect()
                  .asList();
            })
        .chain(
            ignored -> {
              CompletableFuture<?>[] all;
              synchronized (sends) {
                all = sends.toArray(CompletableFuture[]::new);
              }
              return Uni.createFrom().completionStage(CompletableFuture.allOf(all));
            })
        .replaceWithVoid();
  }

  private Uni<Integer> resolveInOrder(List<Parsed> group, List<CompletableFuture<Void>> sends) {
    return Multi.createFrom()
        .iterable(group)
        .onItem()
        .transformToUniAndConcatenate(parsed -> resolveOne(parsed, sends))
        .collect()
        .asList()
        .map(List::size);
  }

  private Uni<Boolean> resolveOne(Parsed parsed, List<CompletableFuture<Void>> sends) {
    ConsumerRecord<String, String> record = parsed.record();
    EventEnvelope event = parsed.event();
    return withInfrastructureRetries(
            resolver.resolve(event),
            "a record from " + record.topic() + "-" + record.partition() + "@" + record.offset())
        .map(
            resolution -> {
              publish(event, resolution, sends);
              return true;
            })
        .onFailure(PoisonEventException.class)
        .recoverWithUni(failure -> deadLetter(record, failure.getMessage(), sends));
  }

  /** Database or broker failures are retried with back-off; poison is not (it is dead-lettered). */
  private <T> Uni<T> withInfrastructureRetries(Uni<T> work, String what) {
    return work.onFailure(failure -> !(failure instanceof PoisonEventException))
        .invoke(
            failure ->
                Log.warnf(
                    "resolution of %s failed, retrying: %s",
                    what, failure.getClass().getSimpleName()))
        .onFailure(failure -> !(failure instanceof PoisonEventException))
        .retry()
        .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10))
        .atMost(infrastructureRetries);
  }

  private void publish(
      EventEnvelope event, Resolution resolution, List<CompletableFuture<Void>> sends) {
    if (resolution.outcome() == Resolution.Outcome.ERASED) {
      // The message id and a count only: the event's identifiers are the erased person's.
      Log.infof(
          "event %s not published: its %d identifier(s) were erased after it was received",
          event.messageId(), resolution.erasedIdentifiers());
      return;
    }
    resolution.changes().forEach(change -> sends.add(publisher.change(change)));
    sends.add(publisher.resolved(event.withProfileId(resolution.profileId())));
  }

  private Uni<Boolean> deadLetter(
      ConsumerRecord<String, String> record, String reason, List<CompletableFuture<Void>> sends) {
    Log.warnf(
        "raw event %s-%d@%d sent to the dead-letter topic: %s",
        record.topic(), record.partition(), record.offset(), reason);
    metrics.deadLettered();
    sends.add(
        publisher.deadLetter(
            record.key(),
            record.value(),
            reason,
            record.topic(),
            record.partition(),
            record.offset()));
    return Uni.createFrom().item(false);
  }

  private EventEnvelope parse(String value) {
    if (value == null || value.isBlank()) {
      throw new PoisonEventException("empty record");
    }
    try {
      EventEnvelope event = mapper.readValue(value, EventEnvelope.class);
      if (event == null) {
        throw new PoisonEventException("record is JSON null");
      }
      return event;
    } catch (JsonProcessingException e) {
      // The location only: the message of a Jackson error may quote the (personal) input.
      throw new PoisonEventException(
          "record is not a valid event envelope (JSON error at line "
              + (e.getLocation() == null ? "?" : e.getLocation().getLineNr())
              + ", column "
              + (e.getLocation() == null ? "?" : e.getLocation().getColumnNr())
              + ")");
    }
  }
}
