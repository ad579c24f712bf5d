package org.opencdp.identity.store;

/** The columns of a profile the resolver needs, read under a row lock. */
public record ProfileRow(String id, String status, int identifierCount, long createdMicros) {
  public boolean active() {
    return ProfileEntity.ACTIVE.equals(status);
  }
}
