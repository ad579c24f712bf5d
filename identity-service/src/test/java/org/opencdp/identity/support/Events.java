package org.opencdp.identity.support;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.EventType;
import org.opencdp.testsupport.EventEnvelopeBuilder;

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
    return EventEnvelopeBuilder.ofType(type)
        .workspaceId(workspaceId)
        .event(type == EventType.TRACK ? "Viewed" : null)
        .userId(userId)
        .anonymousId(anonymousId)
        .previousId(previousId)
        .traits(traits == null ? null : new HashMap<>(traits))
        .context(context == null ? null : new HashMap<>(context))
        .build();
  }

  /** The same identifiers in a new event (new messageId): not a replay, a fresh occurrence. */
  public static EventEnvelope again(EventEnvelope event) {
    return EventEnvelopeBuilder.copyOf(event).messageId(UUID.randomUUID().toString()).build();
  }

  /** The same event in another workspace (same messageId). */
  public static EventEnvelope inWorkspace(EventEnvelope event, String workspaceId) {
    return EventEnvelopeBuilder.copyOf(event).workspaceId(workspaceId).build();
  }

  public static String workspace(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
