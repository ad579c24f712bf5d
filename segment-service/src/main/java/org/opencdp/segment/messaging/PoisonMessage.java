package org.opencdp.segment.messaging;

/** A message that can never be processed (unreadable, missing ids): it goes to the DLQ at once. */
public class PoisonMessage extends RuntimeException {
  public PoisonMessage(String reason) {
    super(reason, null, false, false);
  }
}
