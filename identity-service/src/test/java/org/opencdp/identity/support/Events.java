package org.opencdp.identity.support;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.EventType;

/** Builds raw events the way the ingestion-service publishes them. */
public final class Events {
  private Events() {}

  public static EventEnvelope track(String workspaceId, String userId, String anonymousId) {
    return event(workspaceId, EventType.TRACK, userId, anonymousId, null, null, null);
  }

  public static EventEnvelope identify(
      String workspaceId, String userId, String anonymousId, Map<String, Object> traits) {
    return event(workspaceId, EventType.IDENTIFY, userId, anonymousId, null, traits, null);
  }

  public static EventEnvelope alias(String workspaceId, String userId, String previousId) {
    return event(workspaceId, EventType.ALIAS, userId, null, previousId, null, null);
  }

  public static EventEnvelope withContext(
      String workspaceId, String userId, String anonymousId, Map<String, Object> context) {
    return event(workspaceId, EventType.TRACK, userId, anonymousId, null, null, context);
  }

  public static Map<String, Object> device(String deviceId) {
    return Map.of("device", Map.of("id", deviceId));
  }

  public static Map<String, Object> externalIds(List<Map<String, Object>> ids) {
    return Map.of("externalIds", ids);
  }

  public static EventEnvelope event(
      String workspaceId,
      EventType type,
      String userId,
      String anonymousId,
      String previousId,
      Map<String, Object> traits,
      Map<String, Object> context) {
    Instant now = Instant.now();
    return new EventEnvelope(
        UUID.randomUUID().toString(),
        workspaceId,
        "src-test",
        type,
        type == EventType.TRACK ? "Viewed" : null,
        null,
        null,
        userId,
        anonymousId,
        null,
        previousId,
        traits == null ? null : new HashMap<>(traits),
        null,
        context == null ? null : new HashMap<>(context),
        null,
        now,
        now,
        now,
        now,
        null,
        null);
  }

  /** The same identifiers in a new event (new messageId): not a replay, a fresh occurrence. */
  public static EventEnvelope again(EventEnvelope event) {
    return withMessageId(event, UUID.randomUUID().toString());
  }

  private static EventEnvelope withMessageId(EventEnvelope event, String messageId) {
    return new EventEnvelope(
        messageId,
        event.workspaceId(),
        event.sourceId(),
        event.type(),
        event.event(),
        event.name(),
        event.category(),
        event.userId(),
        event.anonymousId(),
        event.groupId(),
        event.previousId(),
        event.traits(),
        event.properties(),
        event.context(),
        event.integrations(),
        event.timestamp(),
        event.originalTimestamp(),
        event.sentAt(),
        event.receivedAt(),
        event.violations(),
        event.profileId());
  }

  /** The same event in another workspace (same messageId). */
  public static EventEnvelope inWorkspace(EventEnvelope event, String workspaceId) {
    return new EventEnvelope(
        event.messageId(),
        workspaceId,
        event.sourceId(),
        event.type(),
        event.event(),
        event.name(),
        event.category(),
        event.userId(),
        event.anonymousId(),
        event.groupId(),
        event.previousId(),
        event.traits(),
        event.properties(),
        event.context(),
        event.integrations(),
        event.timestamp(),
        event.originalTimestamp(),
        event.sentAt(),
        event.receivedAt(),
        event.violations(),
        event.profileId());
  }

  public static String workspace(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
