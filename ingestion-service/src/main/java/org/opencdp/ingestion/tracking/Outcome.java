package org.opencdp.ingestion.tracking;

import org.opencdp.contracts.EventEnvelope;

/** What became of one message of a request. */
public sealed interface Outcome {
  int index();

  /** Valid, to be published. */
  record Accepted(int index, EventEnvelope envelope) implements Outcome {}

  /** Refused with a reason an operator can act on; kept in the rejected-events store. */
  record Rejected(int index, String messageId, String reason, String payload) implements Outcome {}
}
