package org.opencdp.segment.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.opencdp.contracts.PrivacyRequest;
import org.opencdp.contracts.PrivacyStatus;
import org.opencdp.segment.config.SegmentConfig;
import org.opencdp.segment.privacy.PrivacyService;

/**
 * This service as a participant of privacy requests: carries out each request, then answers DONE on
 * {@code cdp.privacy.status} (a redelivered request is carried out again, harmlessly, and answered
 * DONE again). When the work still fails after the retries, the answer is FAILED with a reason, and
 * the fault is logged with the request id only (no profile id or other personal data); the offset
 * is committed after the answer was acknowledged. A request that names no request or workspace
 * cannot be answered and goes to the DLQ.
 */
@ApplicationScoped
public class PrivacyConsumer {
  private final PrivacyService privacy;
  private final PrivacyStatusPublisher status;
  private final ObjectMapper json;
  private final Clock clock;
  private final int maxRetries;

  PrivacyConsumer(
      PrivacyService privacy,
      PrivacyStatusPublisher status,
      ObjectMapper json,
      Clock clock,
      SegmentConfig config) {
    this.privacy = privacy;
    this.status = status;
    this.json = json;
    this.clock = clock;
    this.maxRetries = config.consumer().maxRetries();
  }

  @Incoming(Channels.PRIVACY_REQUESTS)
  public Uni<Void> request(String payload) {
    PrivacyRequest request;
    try {
      request = json.readValue(payload, PrivacyRequest.class);
    } catch (Exception e) {
      return poison("unreadable PrivacyRequest message");
    }
    if (request == null || blank(request.requestId()) || blank(request.workspaceId())) {
      return poison("PrivacyRequest without requestId or workspaceId");
    }
    if (blank(request.profileId()) || request.kind() == null) {
      Log.warnf("privacy request %s refused: no profileId or kind", request.requestId());
      return status.publish(
          answer(request, PrivacyStatus.State.FAILED, "request without profileId or kind"));
    }
    return Retries.withBackOff(
            Uni.createFrom().deferred(() -> privacy.carryOut(request)), maxRetries)
        .map(
            ignored -> {
              Log.infof("privacy request %s (%s) carried out", request.requestId(), request.kind());
              return answer(request, PrivacyStatus.State.DONE, null);
            })
        .onFailure()
        .recoverWithItem(
            failure -> {
              Log.errorf(
                  "privacy request %s (%s) failed: %s",
                  request.requestId(), request.kind(), failure.getClass().getName());
              return PrivacyStatus.failed(
                  request, PrivacyService.SERVICE_NAME, failure, clock.instant());
            })
        .chain(status::publish);
  }

  private PrivacyStatus answer(PrivacyRequest request, PrivacyStatus.State state, String detail) {
    return PrivacyStatus.answer(
        request, PrivacyService.SERVICE_NAME, state, detail, clock.instant());
  }

  private static Uni<Void> poison(String reason) {
    Log.errorf("privacy request dead-lettered: %s", reason);
    return Uni.createFrom().failure(new PoisonMessage(reason));
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
