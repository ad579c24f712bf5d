package org.opencdp.profile.messaging;

/** Channel names; topics, serdes, failure strategies and DLQs are in application.properties. */
public final class Channels {
  public static final String EVENTS_RESOLVED = "events-resolved";
  public static final String EVENTS_RESOLVED_DEAD_LETTERS = "events-resolved-dead-letters";
  public static final String IDENTITY_MERGES = "identity-merges";
  public static final String SEGMENTS_MEMBERSHIP = "segments-membership";
  public static final String PROFILES_CHANGED = "profiles-changed";
  public static final String PRIVACY_REQUESTS_OUT = "privacy-requests-out";
  public static final String PRIVACY_REQUESTS_IN = "privacy-requests";
  public static final String PRIVACY_STATUS_OUT = "privacy-status-out";
  public static final String PRIVACY_STATUS_IN = "privacy-status";

  private Channels() {}
}
