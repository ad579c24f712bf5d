package org.opencdp.profile.rest;

/** The requested profile was merged; the client is sent to the surviving profile. */
public class MergedProfileRedirect extends RuntimeException {
  private final String requestedId;
  private final String survivorId;

  public MergedProfileRedirect(String requestedId, String survivorId) {
    super("merged", null, false, false);
    this.requestedId = requestedId;
    this.survivorId = survivorId;
  }

  public String requestedId() {
    return requestedId;
  }

  public String survivorId() {
    return survivorId;
  }
}
