package org.opencdp.profile.profile;

import java.util.function.Supplier;

/**
 * A value that is either known or revealed (decrypted) by a supplier when first read: most writes
 * of a stored profile never use its protected values, and decrypting them all on every read was the
 * largest allocation of the event path (README benchmark). A base class rather than a holder field,
 * so a value that is known costs no extra object.
 */
abstract class RevealedOnFirstUse<T> {
  private T value;
  // set until the value is revealed; volatile, written after value, so a reader that sees it null
  // sees the value (two threads may both reveal it: same result)
  private volatile Supplier<T> reveal;

  RevealedOnFirstUse(T value, Supplier<T> reveal) {
    this.value = value;
    this.reveal = reveal;
  }

  /** The value, revealed now if it is still sealed (fails here if it cannot be decrypted). */
  final T revealed() {
    Supplier<T> pending = reveal;
    if (pending != null) {
      value = pending.get();
      reveal = null;
    }
    return value;
  }
}
