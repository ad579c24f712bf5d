package org.opencdp.testsupport;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.EventType;

/**
 * Builds an {@link EventEnvelope} for tests by naming only the fields a test cares about, instead
 * of spelling out the record's 21 positional arguments in every service's tests.
 *
 * <p>Defaults: a fresh random messageId, workspace {@value #WORKSPACE}, source {@value #SOURCE},
 * all four timestamps set to one {@link Instant#now()}, everything else null. Any field can be set,
 * null included.
 */
public final class EventEnvelopeBuilder {
  public static final String WORKSPACE = "ws-test";
  public static final String SOURCE = "src-test";

  private String messageId = UUID.randomUUID().toString();
  private String workspaceId = WORKSPACE;
  private String sourceId = SOURCE;
  private EventType type;
  private String event;
  private String name;
  private String category;
  private String userId;
  private String anonymousId;
  private String groupId;
  private String previousId;
  private Map<String, Object> traits;
  private Map<String, Object> properties;
  private Map<String, Object> context;
  private Map<String, Object> integrations;
  private Instant timestamp;
  private Instant originalTimestamp;
  private Instant sentAt;
  private Instant receivedAt;
  private List<String> violations;
  private String profileId;

  private EventEnvelopeBuilder(EventType type) {
    this.type = type;
    at(Instant.now());
  }

  /** An event of {@code type} with the defaults. */
  public static EventEnvelopeBuilder ofType(EventType type) {
    return new EventEnvelopeBuilder(type);
  }

  /** A track event named {@code event}. */
  public static EventEnvelopeBuilder track(String event) {
    return ofType(EventType.TRACK).event(event);
  }

  /** An identify event. */
  public static EventEnvelopeBuilder identify() {
    return ofType(EventType.IDENTIFY);
  }

  /** Every field of {@code envelope}, the messageId included, to change some of them. */
  public static EventEnvelopeBuilder copyOf(EventEnvelope envelope) {
    return ofType(envelope.type())
        .messageId(envelope.messageId())
        .workspaceId(envelope.workspaceId())
        .sourceId(envelope.sourceId())
        .event(envelope.event())
        .name(envelope.name())
        .category(envelope.category())
        .userId(envelope.userId())
        .anonymousId(envelope.anonymousId())
        .groupId(envelope.groupId())
        .previousId(envelope.previousId())
        .traits(envelope.traits())
        .properties(envelope.properties())
        .context(envelope.context())
        .integrations(envelope.integrations())
        .timestamp(envelope.timestamp())
        .originalTimestamp(envelope.originalTimestamp())
        .sentAt(envelope.sentAt())
        .receivedAt(envelope.receivedAt())
        .violations(envelope.violations())
        .profileId(envelope.profileId());
  }

  /** Sets all four timestamps to {@code instant}: an event sent and received as it happened. */
  public EventEnvelopeBuilder at(Instant instant) {
    this.timestamp = instant;
    this.originalTimestamp = instant;
    this.sentAt = instant;
    this.receivedAt = instant;
    return this;
  }

  public EventEnvelopeBuilder messageId(String messageId) {
    this.messageId = messageId;
    return this;
  }

  public EventEnvelopeBuilder workspaceId(String workspaceId) {
    this.workspaceId = workspaceId;
    return this;
  }

  public EventEnvelopeBuilder sourceId(String sourceId) {
    this.sourceId = sourceId;
    return this;
  }

  public EventEnvelopeBuilder type(EventType type) {
    this.type = type;
    return this;
  }

  public EventEnvelopeBuilder event(String event) {
    this.event = event;
    return this;
  }

  public EventEnvelopeBuilder name(String name) {
    this.name = name;
    return this;
  }

  public EventEnvelopeBuilder category(String category) {
    this.category = category;
    return this;
  }

  public EventEnvelopeBuilder userId(String userId) {
    this.userId = userId;
    return this;
  }

  public EventEnvelopeBuilder anonymousId(String anonymousId) {
    this.anonymousId = anonymousId;
    return this;
  }

  public EventEnvelopeBuilder groupId(String groupId) {
    this.groupId = groupId;
    return this;
  }

  public EventEnvelopeBuilder previousId(String previousId) {
    this.previousId = previousId;
    return this;
  }

  public EventEnvelopeBuilder traits(Map<String, Object> traits) {
    this.traits = traits;
    return this;
  }

  public EventEnvelopeBuilder properties(Map<String, Object> properties) {
    this.properties = properties;
    return this;
  }

  public EventEnvelopeBuilder context(Map<String, Object> context) {
    this.context = context;
    return this;
  }

  public EventEnvelopeBuilder integrations(Map<String, Object> integrations) {
    this.integrations = integrations;
    return this;
  }

  public EventEnvelopeBuilder timestamp(Instant timestamp) {
    this.timestamp = timestamp;
    return this;
  }

  public EventEnvelopeBuilder originalTimestamp(Instant originalTimestamp) {
    this.originalTimestamp = originalTimestamp;
    return this;
  }

  public EventEnvelopeBuilder sentAt(Instant sentAt) {
    this.sentAt = sentAt;
    return this;
  }

  public EventEnvelopeBuilder receivedAt(Instant receivedAt) {
    this.receivedAt = receivedAt;
    return this;
  }

  public EventEnvelopeBuilder violations(List<String> violations) {
    this.violations = violations;
    return this;
  }

  public EventEnvelopeBuilder profileId(String profileId) {
    this.profileId = profileId;
    return this;
  }

  public EventEnvelope build() {
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
        profileId);
  }
}
