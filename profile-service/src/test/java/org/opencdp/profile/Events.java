package org.opencdp.profile;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.testsupport.EventEnvelopeBuilder;

/** Resolved events as the identity-service publishes them. */
public final class Events {
  private Events() {}

  public static EventEnvelope identify(
      String workspaceId, String profileId, String userId, Instant at, Map<String, Object> traits) {
    return EventEnvelopeBuilder.identify()
        .workspaceId(workspaceId)
        .sourceId("web")
        .userId(userId)
        .traits(traits)
        .at(at)
        .profileId(profileId)
        .build();
  }

  public static EventEnvelope track(
      String workspaceId,
      String profileId,
      String userId,
      String event,
      Instant at,
      Map<String, Object> properties) {
    return EventEnvelopeBuilder.track(event)
        .workspaceId(workspaceId)
        .sourceId("web")
        .userId(userId)
        .properties(properties)
        .at(at)
        .profileId(profileId)
        .build();
  }

  public static EventEnvelope withContext(EventEnvelope e, Map<String, Object> context) {
    return EventEnvelopeBuilder.copyOf(e).context(context).build();
  }

  public static EventEnvelope withAnonymousId(EventEnvelope e, String anonymousId) {
    return EventEnvelopeBuilder.copyOf(e).anonymousId(anonymousId).build();
  }

  public static String newProfileId() {
    return "p-" + UUID.randomUUID();
  }
}
