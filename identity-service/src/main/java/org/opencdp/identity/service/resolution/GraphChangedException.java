package org.opencdp.identity.service.resolution;

/** The graph changed between reading and locking; the transaction is retried from the start. */
public class GraphChangedException extends RuntimeException {
  public GraphChangedException(String message) {
    super(message, null, false, false);
  }
}
