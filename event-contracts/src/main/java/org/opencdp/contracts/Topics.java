package org.opencdp.contracts;

/** Kafka topic names shared by every service. Dead-letter topics append {@link #DLQ_SUFFIX}. */
public final class Topics {
  /** Gateway -> identity: events as accepted, keyed by workspace + first identifier. */
  public static final String EVENTS_RAW = "cdp.events.raw";

  /**
   * Identity -> profile, segment, activation: events with a profile id, keyed by workspace +
   * profile.
   */
  public static final String EVENTS_RESOLVED = "cdp.events.resolved";

  public static final String IDENTITY_MERGES = "cdp.identity.merges";
  public static final String PROFILES_CHANGED = "cdp.profiles.changed";
  public static final String SEGMENTS_MEMBERSHIP = "cdp.segments.membership";
  public static final String PRIVACY_REQUESTS = "cdp.privacy.requests";
  public static final String DELIVERIES = "cdp.deliveries";

  public static final String DLQ_SUFFIX = ".dlq";

  private Topics() {}
}
