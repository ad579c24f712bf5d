package org.opencdp.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One customer event as every service sees it on Kafka: the Segment spec fields plus what the
 * platform adds (workspace, source, receive time, tracking-plan violations and, once identity has
 * resolved it, the profile id).
 *
 * <p>Timestamps follow Segment: {@code originalTimestamp} is the device clock when the event
 * happened, {@code sentAt} the device clock when it was sent, {@code receivedAt} the gateway clock,
 * and {@code timestamp} the best estimate of when it happened on the server clock (device skew
 * corrected).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventEnvelope(
    String messageId,
    String workspaceId,
    String sourceId,
    EventType type,
    String event,
    String name,
    String category,
    String userId,
    String anonymousId,
    String groupId,
    String previousId,
    Map<String, Object> traits,
    Map<String, Object> properties,
    Map<String, Object> context,
    Map<String, Object> integrations,
    Instant timestamp,
    Instant originalTimestamp,
    Instant sentAt,
    Instant receivedAt,
    List<String> violations,
    String profileId) {

  /** Stable id of this event across the platform: a messageId is only unique within a workspace. */
  public String eventKey() {
    return workspaceId + ":" + messageId;
  }

  /**
   * Kafka key before identity resolution: the workspace plus the first identifier, so events of one
   * person tend to share a partition.
   */
  public String rawPartitionKey() {
    String identifier = userId != null ? "u:" + userId : "a:" + anonymousId;
    return workspaceId + ":" + identifier;
  }

  /** Consent categories from {@code context.consent.categoryPreferences}, empty when absent. */
  @SuppressWarnings("unchecked")
  public Map<String, Boolean> consentPreferences() {
    if (context != null
        && context.get("consent") instanceof Map<?, ?> consent
        && consent.get("categoryPreferences") instanceof Map<?, ?> preferences) {
      return (Map<String, Boolean>) preferences;
    }
    return Map.of();
  }

  /** The same event with the tracking-plan violations the gateway found (flag mode). */
  public EventEnvelope withViolations(List<String> found) {
    return new EventEnvelope(
        messageId,
        workspaceId,
        sourceId,
        type,
        event,
        name,
        category,
        userId,
        anonymousId,
        groupId,
        previousId,
        traits,
        properties,
        context,
        integrations,
        timestamp,
        originalTimestamp,
        sentAt,
        receivedAt,
        List.copyOf(found),
        profileId);
  }

  /** The same event, resolved to a profile. */
  public EventEnvelope withProfileId(String resolvedProfileId) {
    return new EventEnvelope(
        messageId,
        workspaceId,
        sourceId,
        type,
        event,
        name,
        category,
        userId,
        anonymousId,
        groupId,
        previousId,
        traits,
        properties,
        context,
        integrations,
        timestamp,
        originalTimestamp,
        sentAt,
        receivedAt,
        violations,
        resolvedProfileId);
  }
}
