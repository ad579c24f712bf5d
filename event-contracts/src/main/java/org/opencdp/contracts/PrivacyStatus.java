package org.opencdp.contracts;

import java.time.Instant;

/**
 * One service's answer to a {@link PrivacyRequest}: published on {@link #TOPIC}, keyed by workspace
 * + request id. The profile-service collects them and reports the request complete when every
 * participating service said {@code DONE}.
 *
 * @param service the answering service's name, e.g. {@code identity-service}
 * @param detail a short reason for {@code FAILED}; never personal data
 */
public record PrivacyStatus(
    String requestId,
    String workspaceId,
    String service,
    State state,
    String detail,
    Instant occurredAt) {

  /** Status replies of every service; the request topic is {@link Topics#PRIVACY_REQUESTS}. */
  public static final String TOPIC = "cdp.privacy.status";

  public enum State {
    DONE,
    FAILED
  }

  public String partitionKey() {
    return workspaceId + ":" + requestId;
  }
}
