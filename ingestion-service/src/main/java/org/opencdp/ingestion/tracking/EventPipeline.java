package org.opencdp.ingestion.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.ingestion.dedup.Deduplicator;
import org.opencdp.ingestion.privacy.Suppressions;
import org.opencdp.ingestion.problem.ProblemException;
import org.opencdp.ingestion.publish.EventPublisher;
import org.opencdp.ingestion.source.Source.PlanMode;
import org.opencdp.ingestion.source.SourceContext;

/**
 * The path every event takes into the platform, whether it came from an SDK call or a bulk import:
 * validate and normalise, apply the source's tracking plan, drop what was already published,
 * publish and wait for Kafka's acknowledgement, remember what was published.
 */
@ApplicationScoped
public class EventPipeline {
  private final MessageNormalizer normalizer;
  private final Deduplicator deduplicator;
  private final EventPublisher publisher;
  private final MeterRegistry registry;
  private final ObjectMapper mapper;
  private final Suppressions suppressions;

  EventPipeline(
      MessageNormalizer normalizer,
      Deduplicator deduplicator,
      EventPublisher publisher,
      MeterRegistry registry,
      ObjectMapper mapper,
      Suppressions suppressions) {
    this.suppressions = suppressions;
    this.normalizer = normalizer;
    this.deduplicator = deduplicator;
    this.publisher = publisher;
    this.registry = registry;
    this.mapper = mapper;
  }

  /** The messages of a request sorted into valid (unique within the request) and rejected ones. */
  public record Sorted(
      List<EventEnvelope> accepted, List<Outcome.Rejected> rejected, int duplicatesInRequest) {}

  /** How many events were published, and how many were dropped as already published. */
  public record Published(int published, int duplicates) {}

  /**
   * The person's suppressions are read first: without them the gateway cannot honour a "do not
   * track me", so an unavailable store makes the request fail (503) rather than pass.
   */
  public Uni<Sorted> validate(SourceContext source, TrackingRequest request, Instant receivedAt) {
    return suppressions
        .of(source.workspaceId())
        .onFailure()
        .transform(
            failure ->
                ProblemException.unavailable(
                    "The suppression list is unavailable; nothing was accepted. Retry later.", 5))
        .map(suppressed -> validate(source, request, receivedAt, suppressed));
  }

  private Sorted validate(
      SourceContext source, TrackingRequest request, Instant receivedAt, Set<String> suppressed) {
    List<EventEnvelope> accepted = new ArrayList<>();
    List<Outcome.Rejected> rejected = new ArrayList<>();
    Set<String> idsInRequest = new HashSet<>();
    int duplicates = 0;
    for (TrackingRequest.RawMessage raw : request.messages()) {
      Outcome outcome =
          applyPlan(
              source,
              raw,
              normalizer.normalize(
                  raw, request, source.workspaceId(), source.sourceId(), receivedAt));
      if (outcome instanceof Outcome.Accepted ok
          && suppressions.isSuppressed(suppressed, ok.envelope())) {
        // No payload kept: the person asked not to be tracked.
        outcome =
            new Outcome.Rejected(
                raw.index(),
                ok.envelope().messageId(),
                "The person asked not to be tracked (suppressed).",
                null);
      }
      if (outcome instanceof Outcome.Accepted ok) {
        if (idsInRequest.add(ok.envelope().messageId())) {
          accepted.add(ok.envelope());
        } else {
          duplicates++;
        }
      } else {
        rejected.add((Outcome.Rejected) outcome);
      }
    }
    return new Sorted(accepted, rejected, duplicates);
  }

  /** Completes once Kafka acknowledged every new event; fails with 503 otherwise. */
  public Uni<Published> publish(SourceContext source, List<EventEnvelope> accepted) {
    return dropAlreadySeen(source, accepted)
        .flatMap(
            fresh ->
                publisher
                    .publishAll(fresh)
                    .call(() -> markSeen(source, fresh))
                    .map(
                        ignored -> {
                          count(source, "accepted", fresh.size());
                          count(source, "duplicate", accepted.size() - fresh.size());
                          return new Published(fresh.size(), accepted.size() - fresh.size());
                        }));
  }

  void countDuplicates(SourceContext source, int n) {
    count(source, "duplicate", n);
  }

  private void count(SourceContext source, String outcome, int n) {
    if (n > 0) {
      registry
          .counter("cdp.ingest.events", "source", source.sourceId(), "outcome", outcome)
          .increment(n);
    }
  }

  private Outcome applyPlan(SourceContext source, TrackingRequest.RawMessage raw, Outcome outcome) {
    if (!(outcome instanceof Outcome.Accepted ok)
        || source.trackingPlan().mode() == PlanMode.ALLOW) {
      return outcome;
    }
    JsonNode properties = raw.json().path("properties");
    JsonNode traits = raw.json().path("traits");
    List<String> violations =
        source
            .trackingPlan()
            .violations(
                ok.envelope(),
                properties.isMissingNode() ? mapper.createObjectNode() : properties,
                traits.isMissingNode() ? MissingNode.getInstance() : traits);
    if (violations.isEmpty()) {
      return outcome;
    }
    if (source.trackingPlan().mode() == PlanMode.BLOCK) {
      return new Outcome.Rejected(
          raw.index(),
          ok.envelope().messageId(),
          "Blocked by the tracking plan: " + String.join("; ", violations),
          raw.json().toString());
    }
    return new Outcome.Accepted(ok.index(), ok.envelope().withViolations(violations));
  }

  private Uni<List<EventEnvelope>> dropAlreadySeen(
      SourceContext source, List<EventEnvelope> events) {
    List<String> ids = events.stream().map(EventEnvelope::messageId).toList();
    return deduplicator
        .alreadySeen(source.workspaceId(), ids)
        .onFailure()
        .recoverWithItem(
            failure -> {
              // Failing open: a duplicate costs downstream dedup, refusing costs availability.
              Log.warnf(
                  "dedup store unavailable, publishing without dedup: %s", failure.toString());
              registry.counter("cdp.ingest.dedup.unavailable").increment();
              return Set.of();
            })
        .map(seen -> events.stream().filter(e -> !seen.contains(e.messageId())).toList());
  }

  private Uni<Void> markSeen(SourceContext source, List<EventEnvelope> published) {
    return deduplicator
        .markSeen(source.workspaceId(), published.stream().map(EventEnvelope::messageId).toList())
        .onFailure()
        .recoverWithUni(
            failure -> {
              Log.warnf("could not record message ids for dedup: %s", failure.toString());
              registry.counter("cdp.ingest.dedup.unavailable").increment();
              return Uni.createFrom().voidItem();
            });
  }
}
