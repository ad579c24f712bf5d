package org.opencdp.profile.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.opencdp.contracts.PrivacyRequest;
import org.opencdp.contracts.PrivacyStatus;
import org.opencdp.profile.config.ProfileConfig;
import org.opencdp.profile.privacy.PrivacyService;

/**
 * This service as a participant of privacy requests (it erases its own data from the same topic as
 * every other service), and as the collector of every service's status answers.
 *
 * <p>Like the identity- and segment-service, every request that names a request and a workspace is
 * answered: DONE, or FAILED with a reason when it names no profile or kind, or when the work still
 * fails after the retries (the reason and the logs carry the request id, the kind and the failure's
 * type, never the profile id or identifiers). A FAILED request is not dead-lettered: sending it
 * again retries it. A request that cannot be answered (unreadable, no request or workspace id) goes
 * to {@code cdp.privacy.requests.dlq}. The offset is committed once the answer was acknowledged.
 */
@ApplicationScoped
public class PrivacyConsumers {
  static final String NO_PROFILE_OR_KIND = "request without profileId or kind";

  private final PrivacyService privacy;
  private final ObjectMapper json;
  private final int maxRetries;
  private final int privacyRetries;

  PrivacyConsumers(PrivacyService privacy, ObjectMapper json, ProfileConfig config) {
    this.privacy = privacy;
    this.json = json;
    this.maxRetries = config.consumer().maxRetries();
    this.privacyRetries = config.privacy().maxRetries();
  }

  @Incoming(Channels.PRIVACY_REQUESTS_IN)
  public Uni<Void> request(String payload) {
    PrivacyRequest request;
    try {
      request = parse(payload, PrivacyRequest.class);
    } catch (PoisonMessage e) {
      return poison(e);
    }
    if (blank(request.requestId()) || blank(request.workspaceId())) {
      return poison(new PoisonMessage("privacy request without requestId or workspaceId"));
    }
    if (blank(request.profileId()) || request.kind() == null) {
      Log.warnf("privacy request %s refused: no profileId or kind", request.requestId());
      return answer(privacy.status(request, PrivacyStatus.State.FAILED, NO_PROFILE_OR_KIND));
    }
    return Retries.withBackOff(
            Uni.createFrom().deferred(() -> privacy.carryOut(request)), privacyRetries)
        .map(ignored -> privacy.status(request, PrivacyStatus.State.DONE, null))
        .onFailure()
        .recoverWithItem(
            failure -> {
              Log.errorf(
                  "privacy request %s (%s) failed, answering FAILED: %s",
                  request.requestId(), request.kind(), failure.getClass().getName());
              return privacy.failed(request, failure);
            })
        .chain(this::answer);
  }

  @Incoming(Channels.PRIVACY_STATUS_IN)
  public Uni<Void> status(String payload) {
    return Retries.transient_(
        Uni.createFrom().deferred(() -> privacy.record(parse(payload, PrivacyStatus.class))),
        maxRetries);
  }

  private Uni<Void> answer(PrivacyStatus status) {
    return Retries.transient_(Uni.createFrom().deferred(() -> privacy.answer(status)), maxRetries);
  }

  private static Uni<Void> poison(PoisonMessage reason) {
    Log.errorf("privacy request dead-lettered: %s", reason.getMessage());
    return Uni.createFrom().failure(reason);
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  private <T> T parse(String payload, Class<T> type) {
    try {
      T value = json.readValue(payload, type);
      if (value == null) {
        throw new PoisonMessage("empty privacy message");
      }
      return value;
    } catch (PoisonMessage e) {
      throw e;
    } catch (Exception e) {
      throw new PoisonMessage("unreadable privacy message JSON");
    }
  }
}
