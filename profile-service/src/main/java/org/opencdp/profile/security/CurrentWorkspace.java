package org.opencdp.profile.security;

import jakarta.enterprise.context.RequestScoped;

/** The workspace of the authenticated API request; every query of the request filters on it. */
@RequestScoped
public class CurrentWorkspace {
  private String id;

  public String id() {
    if (id == null) {
      throw new IllegalStateException("no authenticated workspace on this request");
    }
    return id;
  }

  void set(String workspaceId) {
    this.id = workspaceId;
  }
}
