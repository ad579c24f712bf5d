package org.opencdp.ingestion.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.ingestion.config.GatewayConfig;
import org.opencdp.ingestion.dedup.Deduplicator;
import org.opencdp.ingestion.dedup.RateLimiter;
import org.opencdp.ingestion.problem.ProblemException;
import org.opencdp.ingestion.publish.EventPublisher;
import org.opencdp.ingestion.rejected.RejectedEvents;
import org.opencdp.ingestion.source.Source.PlanMode;
import org.opencdp.ingestion.source.SourceContext;
import org.opencdp.ingestion.source.SourceRegistry;

/**
 * The tracking path: authenticate the write key, rate-limit, validate each message, apply the
 * tracking plan, drop retries, keep rejections, publish to Kafka and wait for its acknowledgement.
 */
@ApplicationScoped
class TrackingService {
  private final TrackingRequestParser parser;
  private final MessageNormalizer normalizer;
  private final SourceRegistry sources;
  private final RateLimiter rateLimiter;
  private final Deduplicator deduplicator;
  private final EventPublisher publisher;
  private final RejectedEvents rejectedEvents;
  private final GatewayConfig config;
  private final MeterRegistry registry;
  private final ObjectMapper mapper;
  private final Clock clock;

  TrackingService(
      TrackingRequestParser parser,
      MessageNormalizer normalizer,
      SourceRegistry sources,
      RateLimiter rateLimiter,
      Deduplicator deduplicator,
      EventPublisher publisher,
      RejectedEvents rejectedEvents,
      GatewayConfig config,
      MeterRegistry registry,
      ObjectMapper mapper) {
    this.parser = parser;
    this.normalizer = normalizer;
    this.sources = sources;
    this.rateLimiter = rateLimiter;
    this.deduplicator = deduplicator;
    this.publisher = publisher;
    this.rejectedEvents = rejectedEvents;
    this.config = config;
    this.registry = registry;
    this.mapper = mapper;
    this.clock = Clock.systemUTC();
  }

  /** What the gateway answers for a request that was (at least partly) accepted. */
  record Result(int accepted, int duplicates, List<Map<String, Object>> rejected) {}

  Uni<Result> ingest(
      TrackingCall call, byte[] rawBody, String contentEncoding, String basicAuthKey) {
    Instant receivedAt = clock.instant();
    byte[] body = BoundedBody.decode(rawBody, contentEncoding, config.maxBatchBytes());
    TrackingRequest request =
        call.isBatch() ? parser.parseBatch(body) : parser.parseSingle(body, call.type());
    String writeKey = basicAuthKey != null ? basicAuthKey : request.bodyWriteKey();
    if (writeKey == null || writeKey.isBlank()) {
      throw ProblemException.unauthorized(
          "A write key is required: HTTP Basic username or the body's \"writeKey\".");
    }
    return sources
        .byWriteKey(writeKey)
        .map(
            source ->
                source.orElseThrow(
                    () -> ProblemException.unauthorized("The write key is not valid.")))
        .call(source -> checkRate(source, request.messages().size()))
        .flatMap(source -> process(call, request, source, receivedAt));
  }

  private Uni<Void> checkRate(SourceContext source, int events) {
    return rateLimiter
        .tryAcquire(source.workspaceId(), source.sourceId(), events, source.rateLimitPerSecond())
        .onFailure()
        .recoverWithItem(
            failure -> {
              Log.warnf("rate limiter unavailable, not limiting: %s", failure.toString());
              return true;
            })
        .map(
            allowed -> {
              if (!allowed) {
                throw new ProblemException(
                    429,
                    "Too Many Requests",
                    "Source "
                        + source.sourceId()
                        + " is limited to "
                        + source.rateLimitPerSecond()
                        + " events per second.",
                    Map.of(),
                    1);
              }
              return null;
            });
  }

  private Uni<Result> process(
      TrackingCall call, TrackingRequest request, SourceContext source, Instant receivedAt) {
    List<EventEnvelope> accepted = new ArrayList<>();
    List<Outcome.Rejected> rejected = new ArrayList<>();
    Set<String> idsInRequest = new HashSet<>();
    int inRequestDuplicates = 0;
    for (TrackingRequest.RawMessage raw : request.messages()) {
      Outcome outcome =
          applyPlan(
              source,
              raw,
              normalizer.normalize(
                  raw, request, source.workspaceId(), source.sourceId(), receivedAt));
      if (outcome instanceof Outcome.Accepted ok) {
        if (idsInRequest.add(ok.envelope().messageId())) {
          accepted.add(ok.envelope());
        } else {
          inRequestDuplicates++;
        }
      } else {
        rejected.add((Outcome.Rejected) outcome);
      }
    }
    if (accepted.isEmpty() && !rejected.isEmpty()) {
      return keepRejected(source, receivedAt, rejected)
          .map(
              ignored -> {
                throw allRejected(call, rejected);
              });
    }
    int duplicatesBefore = inRequestDuplicates;
    return keepRejected(source, receivedAt, rejected)
        .flatMap(ignored -> dropAlreadySeen(source, accepted))
        .flatMap(
            fresh ->
                publisher
                    .publishAll(fresh)
                    .call(() -> markSeen(source, fresh))
                    .map(
                        ignored -> {
                          int duplicates = duplicatesBefore + accepted.size() - fresh.size();
                          count(source, "accepted", fresh.size());
                          count(source, "duplicate", duplicates);
                          return new Result(fresh.size(), duplicates, describe(rejected));
                        }));
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

  private Uni<Void> keepRejected(
      SourceContext source, Instant receivedAt, List<Outcome.Rejected> rejected) {
    return rejectedEvents.keep(
        source.workspaceId(),
        source.sourceId(),
        receivedAt,
        rejected.stream()
            .map(r -> new RejectedEvents.Rejection(r.messageId(), r.reason(), r.payload()))
            .toList());
  }

  private static ProblemException allRejected(TrackingCall call, List<Outcome.Rejected> rejected) {
    String detail =
        call.isBatch()
            ? "No event of the batch is valid; see \"errors\"."
            : rejected.get(0).reason();
    return new ProblemException(
        400, "Bad Request", detail, Map.of("errors", describe(rejected)), null);
  }

  private static List<Map<String, Object>> describe(List<Outcome.Rejected> rejected) {
    List<Map<String, Object>> errors = new ArrayList<>(rejected.size());
    for (Outcome.Rejected r : rejected) {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("index", r.index());
      if (r.messageId() != null) {
        error.put("messageId", r.messageId());
      }
      error.put("reason", r.reason());
      errors.add(error);
    }
    return errors;
  }

  private void count(SourceContext source, String outcome, int n) {
    if (n > 0) {
      registry
          .counter("cdp.ingest.events", "source", source.sourceId(), "outcome", outcome)
          .increment(n);
    }
  }
}
