package org.opencdp.identity.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerRecord;
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
 * Consumes {@code cdp.events.raw} in batches (one Kafka poll). First the known and new visitors at
 * the head of each key's run of records are resolved together in one transaction ({@link
 * FastPathResolver}); the rest of each key's records are resolved one after the other in offset
 * order, different keys in parallel (up to {@code cdp.identity.consumer-parallelism}), each in its
 * own transaction on its own Vert.x context. Then every record the poll publishes (resolved events,
 * identity changes, dead letters) is sent at once through the service's own producer; the batch
 * completes, and its offsets are committed, only when Kafka acknowledged all of them. A crash in
 * between replays the batch, and the processed-events table turns the replay into re-sends of the
 * same results (at-least-once, idempotent). A refused or timed-out send is retried like a database
 * failure (the whole set is sent again); nothing is committed meanwhile.
 *
 * <p>Each record is parsed once; the resolved event is the raw record's JSON with the profile id
 * added ({@link ResolvedEventJson}), not a re-serialisation.
 *
 * <p>An event whose every identifier was erased by a privacy request after the gateway received it
 * ({@link Resolution.Outcome#ERASED}) is not published; it is counted and logged by message id. An
 * event that also names other identifiers (or a replay of one processed before the erasure) is
 * published without the erased values ({@link ErasedValueScrubber}), re-serialised.
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
  private final ObjectReader reader;
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
    // Trailing tokens make a record poison: what is forwarded must be exactly one JSON object.
    this.reader =
        mapper.readerFor(EventEnvelope.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    this.parallelism = config.consumerParallelism();
    this.infrastructureRetries = config.infrastructureRetries();
  }

  /** A readable record and its event, parsed once. */
  private record Parsed(ConsumerRecord<String, byte[]> record, EventEnvelope event) {}

  /**
   * The records a poll publishes, in the order results were decided: per key in offset order, an
   * event's identity changes before the event itself.
   */
  private static final class Outgoing {
    private final List<ProducerRecord<String, byte[]>> records = new ArrayList<>();

    synchronized void add(ProducerRecord<String, byte[]> record) {
      records.add(record);
    }

    synchronized List<ProducerRecord<String, byte[]>> all() {
      return List.copyOf(records);
    }
  }

  @Incoming(RAW)
  public Uni<Void> consume(ConsumerRecords<String, byte[]> records) {
    Outgoing outgoing = new Outgoing();
    Map<String, List<Parsed>> byKey = new LinkedHashMap<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      try {
        byKey
            .computeIfAbsent(record.key() == null ? "" : record.key(), key -> new ArrayList<>())
            .add(new Parsed(record, parse(record.value())));
      } catch (PoisonEventException e) {
        deadLetter(record, e.getMessage(), outgoing);
      }
    }
    List<List<Parsed>> groups = new ArrayList<>(byKey.values());
    List<List<EventEnvelope>> events =
        groups.stream().map(group -> group.stream().map(Parsed::event).toList()).toList();
    String batch = "a batch of " + records.count();
    String resolving = "resolution of " + batch;
    return withInfrastructureRetries(contexts.run(() -> fastPath.resolveLeading(events)), resolving)
        .chain(
            leading -> {
              List<List<Parsed>> remaining = new ArrayList<>();
              for (int g = 0; g < groups.size(); g++) {
                List<Parsed> group = groups.get(g);
                List<Resolution> resolved = leading.get(g);
                for (int i = 0; i < resolved.size(); i++) {
                  publish(group.get(i), resolved.get(i), outgoing);
                }
                if (resolved.size() < group.size()) {
                  remaining.add(group.subList(resolved.size(), group.size()));
                }
              }
              if (remaining.isEmpty()) {
                return Uni.createFrom().voidItem();
              }
              return Multi.createFrom()
                  .iterable(remaining)
                  .onItem()
                  .transformToUni(group -> contexts.run(() -> resolveInOrder(group, outgoing)))
                  .merge(parallelism)
                  .collect()
                  .last()
                  .replaceWithVoid();
            })
        .chain(
            () -> {
              List<ProducerRecord<String, byte[]>> all = outgoing.all();
              // Every record of the poll at once; the poll (and its offsets) completes only when
              // Kafka acknowledged all of them. A failure re-sends the whole set (at-least-once).
              return withInfrastructureRetries(
                  publisher.sendAll(all).onFailure().invoke(metrics::publishFailed),
                  "publishing " + all.size() + " records of " + batch);
            });
  }

  private Uni<Integer> resolveInOrder(List<Parsed> group, Outgoing outgoing) {
    return Multi.createFrom()
        .iterable(group)
        .onItem()
        .transformToUniAndConcatenate(parsed -> resolveOne(parsed, outgoing))
        .collect()
        .asList()
        .map(List::size);
  }

  private Uni<Boolean> resolveOne(Parsed parsed, Outgoing outgoing) {
    ConsumerRecord<String, byte[]> record = parsed.record();
    return withInfrastructureRetries(
            resolver.resolve(parsed.event()),
            "resolution of a record from "
                + record.topic()
                + "-"
                + record.partition()
                + "@"
                + record.offset())
        .map(
            resolution -> {
              publish(parsed, resolution, outgoing);
              return true;
            })
        .onFailure(PoisonEventException.class)
        .recoverWithItem(failure -> deadLetter(record, failure.getMessage(), outgoing));
  }

  /** Database or broker failures are retried with back-off; poison is not (it is dead-lettered). */
  private <T> Uni<T> withInfrastructureRetries(Uni<T> work, String what) {
    return work.onFailure(failure -> !(failure instanceof PoisonEventException))
        .invoke(
            failure ->
                Log.warnf("%s failed, retrying: %s", what, failure.getClass().getSimpleName()))
        .onFailure(failure -> !(failure instanceof PoisonEventException))
        .retry()
        .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10))
        .atMost(infrastructureRetries);
  }

  private void publish(Parsed parsed, Resolution resolution, Outgoing outgoing) {
    EventEnvelope event = parsed.event();
    if (resolution.outcome() == Resolution.Outcome.ERASED) {
      // The message id and a count only: the event's identifiers are the erased person's.
      Log.infof(
          "event %s not published: its %d identifier(s) were erased after it was received",
          event.messageId(), resolution.erasedIdentifiers());
      return;
    }
    resolution.changes().forEach(change -> outgoing.add(publisher.change(change)));
    if (resolution.erasedValues().isEmpty()) {
      outgoing.add(publisher.resolved(parsed.record().value(), event, resolution.profileId()));
      return;
    }
    ErasedValueScrubber.Scrubbed scrubbed =
        ErasedValueScrubber.scrub(
            mapper, parsed.record().value(), resolution.erasedValues(), resolution.profileId());
    metrics.erasedValuesRemoved(scrubbed.removed());
    // The message id and counts only, never the values.
    Log.infof(
        "event %s published without %d value(s) of %d identifier(s) erased after it was received",
        event.messageId(), scrubbed.removed(), resolution.erasedValues().size());
    outgoing.add(publisher.resolvedJson(scrubbed.json(), event, resolution.profileId()));
  }

  private boolean deadLetter(
      ConsumerRecord<String, byte[]> record, String reason, Outgoing outgoing) {
    Log.warnf(
        "raw event %s-%d@%d sent to the dead-letter topic: %s",
        record.topic(), record.partition(), record.offset(), reason);
    metrics.deadLettered();
    outgoing.add(
        publisher.deadLetter(
            record.key(),
            record.value(),
            reason,
            record.topic(),
            record.partition(),
            record.offset()));
    return false;
  }

  private EventEnvelope parse(byte[] value) {
    if (value == null || isBlank(value)) {
      throw new PoisonEventException("empty record");
    }
    try {
      EventEnvelope event = reader.readValue(value);
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
    } catch (java.io.IOException e) {
      throw new PoisonEventException("record is not readable");
    }
  }

  private static boolean isBlank(byte[] value) {
    for (byte b : value) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }
}
