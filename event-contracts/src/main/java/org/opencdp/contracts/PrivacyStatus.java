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

  /** {@code service}'s answer to {@code request}. */
  public static PrivacyStatus answer(
      PrivacyRequest request, String service, State state, String detail, Instant at) {
    return new PrivacyStatus(
        request.requestId(), request.workspaceId(), service, state, detail, at);
  }

  /**
   * {@code service}'s FAILED answer after its retries: the failure's type only (a message may quote
   * personal data), and that sending the request again retries it.
   */
  public static PrivacyStatus failed(
      PrivacyRequest request, String service, Throwable failure, Instant at) {
    return answer(
        request,
        service,
        State.FAILED,
        service
            + " could not carry out the request ("
            + failure.getClass().getSimpleName()
            + "); sending it again retries it",
        at);
  }

  public String partitionKey() {
    return workspaceId + ":" + requestId;
  }
}
