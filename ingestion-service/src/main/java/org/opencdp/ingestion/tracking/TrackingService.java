package org.opencdp.ingestion.tracking;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opencdp.ingestion.config.GatewayConfig;
import org.opencdp.ingestion.dedup.RateLimiter;
import org.opencdp.ingestion.problem.ProblemException;
import org.opencdp.ingestion.rejected.RejectedEvents;
import org.opencdp.ingestion.source.SourceContext;
import org.opencdp.ingestion.source.SourceRegistry;

/**
 * The tracking path: authenticate the write key, rate-limit, validate each message, apply the
 * tracking plan, drop retries, keep rejections, publish to Kafka and wait for its acknowledgement.
 */
@ApplicationScoped
class TrackingService {
  private final TrackingRequestParser parser;
  private final EventPipeline pipeline;
  private final SourceRegistry sources;
  private final RateLimiter rateLimiter;
  private final RejectedEvents rejectedEvents;
  private final GatewayConfig config;
  private final Clock clock;

  TrackingService(
      TrackingRequestParser parser,
      EventPipeline pipeline,
      SourceRegistry sources,
      RateLimiter rateLimiter,
      RejectedEvents rejectedEvents,
      GatewayConfig config) {
    this.parser = parser;
    this.pipeline = pipeline;
    this.sources = sources;
    this.rateLimiter = rateLimiter;
    this.rejectedEvents = rejectedEvents;
    this.config = config;
    this.clock = Clock.systemUTC();
  }

  /** What the gateway answers for a request that was (at least partly) accepted. */
  record Result(int accepted, int duplicates, List<Map<String, Object>> rejected) {}

  Uni<Boolean> knowsWriteKey(String writeKey) {
    return sources.byWriteKey(writeKey).map(java.util.Optional::isPresent);
  }

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
    return pipeline
        .validate(source, request, receivedAt)
        .flatMap(sorted -> publishSorted(call, source, receivedAt, sorted));
  }

  private Uni<Result> publishSorted(
      TrackingCall call, SourceContext source, Instant receivedAt, EventPipeline.Sorted sorted) {
    List<Outcome.Rejected> rejected = sorted.rejected();
    if (sorted.accepted().isEmpty() && !rejected.isEmpty()) {
      return keepRejected(source, receivedAt, rejected)
          .map(
              ignored -> {
                throw allRejected(call, rejected);
              });
    }
    pipeline.countDuplicates(source, sorted.duplicatesInRequest());
    return keepRejected(source, receivedAt, rejected)
        .flatMap(ignored -> pipeline.publish(source, sorted.accepted()))
        .map(
            published ->
                new Result(
                    published.published(),
                    sorted.duplicatesInRequest() + published.duplicates(),
                    describe(rejected)));
  }

  private Uni<Void> keepRejected(
      SourceContext source, Instant receivedAt, List<Outcome.Rejected> rejected) {
    if (rejected.isEmpty()) {
      // Not even a transaction: most requests have nothing to keep.
      return Uni.createFrom().voidItem();
    }
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
}
