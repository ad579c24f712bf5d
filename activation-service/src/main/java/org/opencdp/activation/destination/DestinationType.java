package org.opencdp.activation.destination;

import java.util.Locale;

/** The channels a destination can be. */
public enum DestinationType {
  WEBHOOK,
  EMAIL,
  SMS,
  KAFKA,
  AUDIENCE;

  /** Lower-case name used in results, caps and metrics. */
  public String channel() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Channels that reach a person directly: frequency caps and quiet hours apply. */
  public boolean personal() {
    return this == EMAIL || this == SMS;
  }
}
