package org.opencdp.profile.profile;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which profile versions had the store part of their outbox (audit records, identifier index
 * entries) carried out by this instance while their ProfileChanged still waits for its ack. The
 * batch path does not clear the store part on its own (a profile update); when the ack arrives the
 * whole outbox is finished ({@link FinishedOutboxes}). Meanwhile a writer that reads the profile at
 * that version must not carry the store part out again, so {@link ProfileStore} drops it on load.
 * An entry lives from the store work to the ack (milliseconds); after a crash the ledger is empty
 * and the store part is carried out again, which is the outbox's crash-window behaviour.
 */
@ApplicationScoped
public class StoreWorkLedger {
  private final Map<String, Long> done = new ConcurrentHashMap<>();

  void carriedOut(Profile p) {
    done.put(ProfileDocuments.id(p.workspaceId, p.profileId), p.version);
  }

  /** Forgets the entry once the outbox of that version is cleared (or the clear was given up). */
  void cleared(Profile p, long version) {
    done.remove(ProfileDocuments.id(p.workspaceId, p.profileId), version);
  }

  /** Drops from a freshly read profile's outbox the store work already carried out. */
  void dropDone(Profile p) {
    Long version = done.get(ProfileDocuments.id(p.workspaceId, p.profileId));
    if (version != null && version == p.version) {
      p.outbox.audit.clear();
      p.outbox.identifiers.clear();
    }
  }

  public int size() {
    return done.size();
  }
}
