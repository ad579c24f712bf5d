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
 * (track events) compare provenance only and write the stored form back unchanged, and decrypting
 * every protected trait of every profile read was the largest allocation of the event path (README
 * benchmark).
 */
public final class Stamp {
  private final String source;
  private final String eventKey;
  private final Instant at;
  private Object value;
  // set until the value is revealed; volatile, written after value, so a reader that sees it null
  // sees the value
  private volatile Supplier<Object> reveal;

  public Stamp(Object value, String source, String eventKey, Instant at) {
    this.value = value;
    this.source = source;
    this.eventKey = eventKey;
    this.at = at;
  }

  /** A stamp whose value is revealed (decrypted) only when first read. */
  static Stamp sealed(Supplier<Object> reveal, String source, String eventKey, Instant at) {
    Stamp stamp = new Stamp(null, source, eventKey, at);
    stamp.reveal = reveal;
    return stamp;
  }

  public Object value() {
    Supplier<Object> pending = reveal;
    if (pending != null) {
      value = pending.get();
      reveal = null;
    }
    return value;
  }

  /** Reveals the value now if it is still sealed (fails here if it cannot be decrypted). */
  void reveal() {
    value();
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
