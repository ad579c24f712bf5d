package org.opencdp.activation.delivery;

import java.time.Duration;
import java.time.Instant;

/**
 * One per destination: after {@code threshold} consecutive failures it opens for {@code openFor};
 * deliveries taken while it is open are put back for when it half-opens, without spending an
 * attempt. The first result after that closes it again or re-opens it.
 */
final class CircuitBreaker {
  private final int threshold;
  private final Duration openFor;
  private int failures;
  private Instant openUntil = Instant.MIN;
  private boolean trial;

  CircuitBreaker(int threshold, Duration openFor) {
    this.threshold = threshold;
    this.openFor = openFor;
  }

  /** Null when a call may go ahead, else when to try again. */
  synchronized Instant blockedUntil(Instant now) {
    if (failures < threshold) {
      return null;
    }
    if (now.isBefore(openUntil)) {
      return openUntil;
    }
    if (trial) {
      return now.plusMillis(200);
    }
    trial = true;
    return null;
  }

  synchronized void success() {
    failures = 0;
    trial = false;
  }

  synchronized void failure(Instant now) {
    failures++;
    trial = false;
    if (failures >= threshold) {
      openUntil = now.plus(openFor);
    }
  }

  synchronized boolean isOpen(Instant now) {
    return failures >= threshold && now.isBefore(openUntil);
  }
}
