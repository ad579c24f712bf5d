package org.opencdp.segment.messaging;

/** Channel names; topics, serdes, failure strategies and DLQs are in application.properties. */
public final class Channels {
  public static final String PROFILES_CHANGED = "profiles-changed";
  public static final String EVENTS_RESOLVED = "events-resolved";
  public static final String IDENTITY_MERGES = "identity-merges";

  /** Unreadable or unappliable profile changes and events, to {@code <their topic>.dlq}. */
  public static final String INPUT_DEAD_LETTERS = "input-dead-letters";

  public static final String SEGMENTS_MEMBERSHIP = "segments-membership";
  public static final String PRIVACY_REQUESTS = "privacy-requests";
  public static final String PRIVACY_STATUS = "privacy-status";

  private Channels() {}
}
