package org.opencdp.identity.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.opencdp.contracts.PrivacyRequest;
import org.opencdp.contracts.PrivacyStatus;
import org.opencdp.identity.config.IdentityConfig;
import org.opencdp.identity.service.DuplicatedContexts;
import org.opencdp.identity.service.privacy.PrivacyService;

/**
 * This service as a participant of privacy requests ({@code cdp.privacy.requests}): carries each
 * request out, then answers DONE on {@code cdp.privacy.status}. A redelivered request is carried
 * out again (it finds nothing left) and answered DONE again. Work that still fails after the
 * infrastructure retries is answered FAILED with a reason. Logs name the request id and kind only,
 * never the profile id or identifiers. A request without request or workspace id cannot be answered
 * and goes to {@code cdp.privacy.requests.dlq}; the offset is committed once the answer was
 * acknowledged.
 */
@ApplicationScoped
public class PrivacyConsumer {
  public static final String CHANNEL = "privacy-requests";
  private static final int MAX_ID_LENGTH = 128;

  private final PrivacyService privacy;
  private final PrivacyStatusPublisher status;
  private final DuplicatedContexts contexts;
  private final ObjectMapper json;
  private final int infrastructureRetries;

  PrivacyConsumer(
      PrivacyService privacy,
      PrivacyStatusPublisher status,
      DuplicatedContexts contexts,
      ObjectMapper json,
      IdentityConfig config) {
    this.privacy = privacy;
    this.status = status;
    this.contexts = contexts;
    this.json = json;
    this.infrastructureRetries = config.infrastructureRetries();
  }

  @Incoming(CHANNEL)
  public Uni<Void> request(String payload) {
    PrivacyRequest request;
    try {
      request = json.readValue(payload, PrivacyRequest.class);
    } catch (Exception e) {
      return poison("unreadable PrivacyRequest message");
    }
    if (request == null || invalidId(request.requestId()) || invalidId(request.workspaceId())) {
      return poison("PrivacyRequest without a usable requestId or workspaceId");
    }
    if (invalidId(request.profileId()) || request.kind() == null) {
      Log.warnf("privacy request %s refused: no usable profileId or kind", request.requestId());
      return status.publish(
          answer(
              request, PrivacyStatus.State.FAILED, "request without a usable profileId or kind"));
    }
    return carryOut(request).chain(status::publish);
  }

  private Uni<PrivacyStatus> carryOut(PrivacyRequest request) {
    return contexts
        .run(() -> privacy.carryOut(request))
        .onFailure()
        .invoke(
            failure ->
                Log.warnf(
                    "privacy request %s (%s) failed, retrying: %s",
                    request.requestId(), request.kind(), failure.getClass().getSimpleName()))
        .onFailure()
        .retry()
        .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10))
        .atMost(infrastructureRetries)
        .map(
            erased -> {
              Log.infof(
                  "privacy request %s (%s) carried out: %d profile(s), %d identifier(s) erased",
                  request.requestId(), request.kind(), erased.profiles(), erased.identifiers());
              return answer(request, PrivacyStatus.State.DONE, null);
            })
        .onFailure()
        .recoverWithItem(
            failure -> {
              Log.errorf(
                  "privacy request %s (%s) failed: %s",
                  request.requestId(), request.kind(), failure.getClass().getName());
              return PrivacyStatus.failed(
                  request, PrivacyService.SERVICE_NAME, failure, Instant.now());
            });
  }

  private static PrivacyStatus answer(
      PrivacyRequest request, PrivacyStatus.State state, String detail) {
    return PrivacyStatus.answer(request, PrivacyService.SERVICE_NAME, state, detail, Instant.now());
  }

  private static Uni<Void> poison(String reason) {
    Log.errorf("privacy request dead-lettered: %s", reason);
    return Uni.createFrom().failure(new IllegalArgumentException(reason));
  }

  private static boolean invalidId(String value) {
    return value == null || value.isBlank() || value.length() > MAX_ID_LENGTH;
  }
}
