package org.opencdp.activation.delivery;

import org.opencdp.contracts.DeliveryResult;

/**
 * What a send attempt came to: success with SENT or DELIVERED, or a failure that may be retried.
 *
 * @param reason short and free of personal data (status code, exception type)
 */
public record Outcome(DeliveryResult.Status status, boolean retryable, String reason) {
  public static Outcome success(DeliveryResult.Status status) {
    return new Outcome(status, false, null);
  }

  public static Outcome retryable(String reason) {
    return new Outcome(DeliveryResult.Status.FAILED, true, reason);
  }

  public static Outcome permanent(String reason) {
    return new Outcome(DeliveryResult.Status.FAILED, false, reason);
  }

  public boolean ok() {
    return status != DeliveryResult.Status.FAILED;
  }

  /** HTTP answers: 2xx ok, 408/429/5xx retried, other 4xx permanent. */
  public static Outcome ofHttp(int code, DeliveryResult.Status onSuccess) {
    if (code >= 200 && code < 300) {
      return success(onSuccess);
    }
    if (code == 408 || code == 429 || code >= 500) {
      return retryable("HTTP " + code);
    }
    return permanent("HTTP " + code);
  }
}
