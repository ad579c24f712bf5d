package org.opencdp.security;

import jakarta.enterprise.context.RequestScoped;

/**
 * The workspace of the authenticated request, set by {@link WorkspaceAuthFilter}: the path's
 * workspace, or for token-scoped paths the token's own. Every query of the request filters on it.
 */
@RequestScoped
public class CurrentWorkspace {
  private String id;
  private String actor;

  public String id() {
    if (id == null) {
      throw new IllegalStateException("no authenticated workspace on this request");
    }
    return id;
  }

  /** A short fingerprint of the token used, for audit trails; never the token. */
  public String actor() {
    return actor;
  }

  void set(String workspaceId, String actorFingerprint) {
    this.id = workspaceId;
    this.actor = actorFingerprint;
  }
}
