package org.opencdp.profile.profile;

import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A value with its provenance: the source that sent it, the event that carried it and that event's
 * time. Last-write-wins compares event time, then event key, so the result never depends on arrival
 * order.
 *
 * <p>A value read encrypted from the store is decrypted on first use ({@link #sealed}): most writes
 * (track events) compare provenance only and write the stored form back unchanged.
 */
public final class Stamp extends RevealedOnFirstUse<Object> {
  private final String source;
  private final String eventKey;
  private final Instant at;

  public Stamp(Object value, String source, String eventKey, Instant at) {
    this(value, null, source, eventKey, at);
  }

  private Stamp(Object value, Supplier<Object> reveal, String source, String eventKey, Instant at) {
    super(value, reveal);
    this.source = source;
    this.eventKey = eventKey;
    this.at = at;
  }

  /** A stamp whose value is revealed (decrypted) only when first read. */
  static Stamp sealed(Supplier<Object> reveal, String source, String eventKey, Instant at) {
    return new Stamp(null, reveal, source, eventKey, at);
  }

  public Object value() {
    return revealed();
  }

  public String source() {
    return source;
  }

  public String eventKey() {
    return eventKey;
  }

  public Instant at() {
    return at;
  }

  public boolean supersedes(Stamp other) {
    if (other == null) {
      return true;
    }
    int c = at.compareTo(other.at);
    if (c != 0) {
      return c > 0;
    }
    return eventKey.compareTo(other.eventKey) > 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Stamp s
        && Objects.equals(value(), s.value())
        && Objects.equals(source, s.source)
        && Objects.equals(eventKey, s.eventKey)
        && Objects.equals(at, s.at);
  }

  @Override
  public int hashCode() {
    return Objects.hash(value(), source, eventKey, at);
  }

  @Override
  public String toString() {
    // never the value: it may be personal data
    return "Stamp[source=" + source + ", eventKey=" + eventKey + ", at=" + at + "]";
  }
}
