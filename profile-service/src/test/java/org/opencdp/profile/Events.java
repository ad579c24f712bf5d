package org.opencdp.profile;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.EventType;

/** Resolved events as the identity-service publishes them. */
public final class Events {
  private Events() {}

  public static EventEnvelope identify(
      String workspaceId, String profileId, String userId, Instant at, Map<String, Object> traits) {
    return new EventEnvelope(
        UUID.randomUUID().toString(),
        workspaceId,
        "web",
        EventType.IDENTIFY,
        null,
        null,
        null,
        userId,
        null,
        null,
        null,
        traits,
        null,
        null,
        null,
        at,
        at,
        at,
        at,
        null,
        profileId);
  }

  public static EventEnvelope track(
      String workspaceId,
      String profileId,
      String userId,
      String event,
      Instant at,
      Map<String, Object> properties) {
    return new EventEnvelope(
        UUID.randomUUID().toString(),
        workspaceId,
        "web",
        EventType.TRACK,
        event,
        null,
        null,
        userId,
        null,
        null,
        null,
        null,
        properties,
        null,
        null,
        at,
        at,
        at,
        at,
        null,
        profileId);
  }

  public static EventEnvelope withContext(EventEnvelope e, Map<String, Object> context) {
    return new EventEnvelope(
        e.messageId(),
        e.workspaceId(),
        e.sourceId(),
        e.type(),
        e.event(),
        e.name(),
        e.category(),
        e.userId(),
        e.anonymousId(),
        e.groupId(),
        e.previousId(),
        e.traits(),
        e.properties(),
        context,
        e.integrations(),
        e.timestamp(),
        e.originalTimestamp(),
        e.sentAt(),
        e.receivedAt(),
        e.violations(),
        e.profileId());
  }

  public static EventEnvelope withAnonymousId(EventEnvelope e, String anonymousId) {
    return new EventEnvelope(
        e.messageId(),
        e.workspaceId(),
        e.sourceId(),
        e.type(),
        e.event(),
        e.name(),
        e.category(),
        e.userId(),
        anonymousId,
        e.groupId(),
        e.previousId(),
        e.traits(),
        e.properties(),
        e.context(),
        e.integrations(),
        e.timestamp(),
        e.originalTimestamp(),
        e.sentAt(),
        e.receivedAt(),
        e.violations(),
        e.profileId());
  }

  public static String newProfileId() {
    return "p-" + UUID.randomUUID();
  }
}
