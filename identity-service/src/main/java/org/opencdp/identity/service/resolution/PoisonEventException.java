package org.opencdp.identity.service.resolution;

/**
 * An event that can never be resolved (unreadable, no workspace or messageId, no usable
 * identifier). The message is the dead-letter reason: it never contains personal data.
 */
public class PoisonEventException extends RuntimeException {
  public PoisonEventException(String reason) {
    super(reason, null, false, false);
  }
}
