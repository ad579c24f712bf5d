package org.opencdp.activation.messaging;

/** Reactive Messaging channel names (topics are set in application.properties). */
public final class Channels {
  public static final String MEMBERSHIP = "segments-membership";
  public static final String EVENTS = "events-resolved";
  public static final String PROFILES = "profiles-changed";
  public static final String MERGES = "identity-merges";
  public static final String DELIVERIES_OUT = "deliveries-out";
  public static final String DESTINATION_OUT = "destination-out";
  public static final String DLQ_OUT = "dead-letters-out";
  public static final String PRIVACY = "privacy-requests";
  public static final String PRIVACY_STATUS_OUT = "privacy-status-out";

  private Channels() {}
}
