package org.opencdp.profile.privacy;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.PrivacyRequest;
import org.opencdp.contracts.PrivacyStatus;
import org.opencdp.profile.config.ProfileConfig;
import org.opencdp.profile.messaging.KafkaPublisher;
import org.opencdp.profile.profile.KnownIdentifier;
import org.opencdp.profile.profile.Profile;
import org.opencdp.profile.profile.ProfileErasure;
import org.opencdp.security.problem.ProblemException;

/**
 * Privacy requests: the API records a request and publishes it on {@code cdp.privacy.requests};
 * every service (this one included, through the same topic) carries it out and answers on {@code
 * cdp.privacy.status}; the request is complete when every configured participant answered DONE.
 */
@ApplicationScoped
public class PrivacyService {
  public static final String SERVICE_NAME = "profile-service";
  public static final String CONSENT_SOURCE = "profile-api";

  /** API view of a request. */
  public record RequestView(
      String requestId,
      String kind,
      String profileId,
      String status,
      Map<String, String> services,
      String requestedAt,
      String completedAt) {}

  private final PrivacyRequestStore requests;
  private final ProfileErasure erasure;
  private final KafkaPublisher publisher;
  private final Clock clock;
  private final List<String> participants;
  private final org.opencdp.profile.profile.ProfileEvents events;
  private final com.fasterxml.jackson.databind.ObjectMapper json;

  PrivacyService(
      PrivacyRequestStore requests,
      ProfileErasure erasure,
      KafkaPublisher publisher,
      Clock clock,
      ProfileConfig config,
      org.opencdp.profile.profile.ProfileEvents events,
      com.fasterxml.jackson.databind.ObjectMapper json) {
    this.events = events;
    this.json = json;
    this.requests = requests;
    this.erasure = erasure;
    this.publisher = publisher;
    this.clock = clock;
    this.participants = config.privacy().participants();
  }

  /** Records and publishes a request for a resolved profile. */
  public Uni<RequestView> request(Profile profile, PrivacyRequest.Kind kind) {
    List<Identifier> identifiers =
        profile.identifiers().values().stream().map(KnownIdentifier::toIdentifier).toList();
    PrivacyRequest request =
        new PrivacyRequest(
            UUID.randomUUID().toString(),
            profile.workspaceId(),
            kind,
            profile.profileId(),
            identifiers,
            clock.instant());
    return requests
        .create(request)
        .chain(() -> publisher.privacyRequest(request))
        .chain(() -> find(profile.workspaceId(), request.requestId()));
  }

  public Uni<RequestView> find(String workspaceId, String requestId) {
    return requests
        .find(workspaceId, requestId)
        .map(
            doc -> {
              if (doc == null) {
                throw ProblemException.notFound("No privacy request with this id.");
              }
              return view(doc);
            });
  }

  /**
   * This service's part of a request (the caller answers with {@link #answer}). Every part is
   * idempotent, so a failed attempt can be carried out again.
   */
  public Uni<Void> carryOut(PrivacyRequest request) {
    Uni<Void> work =
        switch (request.kind()) {
          case DELETE -> erasure.erase(request.workspaceId(), request.profileId());
          case ANONYMIZE -> erasure.anonymize(request.workspaceId(), request.profileId());
          case SUPPRESS -> erasure.suppress(request.workspaceId(), request.profileId());
        };
    return work.invoke(
        () ->
            Log.infof("privacy request %s (%s) carried out", request.requestId(), request.kind()));
  }

  /** This service's answer to {@code request} on the status topic; completes on Kafka's ack. */
  public Uni<Void> answer(PrivacyStatus status) {
    return publisher.privacyStatus(status);
  }

  /** DONE, or FAILED with {@code detail} (never personal data), as this service, now. */
  public PrivacyStatus status(PrivacyRequest request, PrivacyStatus.State state, String detail) {
    return PrivacyStatus.answer(request, SERVICE_NAME, state, detail, clock.instant());
  }

  /** FAILED after the retries: names the failure's type only (its message may quote data). */
  public PrivacyStatus failed(PrivacyRequest request, Throwable failure) {
    return PrivacyStatus.failed(request, SERVICE_NAME, failure, clock.instant());
  }

  /**
   * Consent set through the API becomes an event on the profile's timeline (source {@code
   * profile-api}), so it follows the same last-write-wins, audit and merge rules as consent sent by
   * the SDKs.
   */
  public Uni<Void> updateConsent(Profile profile, Map<String, Boolean> categories) {
    java.time.Instant now = clock.instant();
    org.opencdp.contracts.EventEnvelope event =
        new org.opencdp.contracts.EventEnvelope(
            "consent-" + UUID.randomUUID(),
            profile.workspaceId(),
            CONSENT_SOURCE,
            org.opencdp.contracts.EventType.IDENTIFY,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            Map.of("consent", Map.of("categoryPreferences", categories)),
            null,
            now,
            now,
            now,
            now,
            null,
            profile.profileId());
    try {
      return events.apply(json.writeValueAsString(event));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return Uni.createFrom().failure(e);
    }
  }

  public Uni<Void> record(PrivacyStatus status) {
    return requests.record(status, participants, clock.instant());
  }

  private static RequestView view(Document doc) {
    Map<String, String> services = new java.util.TreeMap<>();
    Document stored = doc.get("services", Document.class);
    if (stored != null) {
      stored.forEach(
          (k, v) ->
              services.put(
                  org.opencdp.profile.profile.BsonValues.unescapeKey(k),
                  ((Document) v).getString("state")));
    }
    return new RequestView(
        doc.getString("_id"),
        doc.getString("kind"),
        doc.getString("profileId"),
        doc.getString("status"),
        services,
        doc.getDate("requestedAt").toInstant().toString(),
        doc.getDate("completedAt") == null
            ? null
            : doc.getDate("completedAt").toInstant().toString());
  }
}
