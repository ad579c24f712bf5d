package org.opencdp.profile.profile;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Outboxes whose work is all done (ProfileChanged acknowledged, audit records and identifier index
 * entries written) but whose message part is still in their profile document. The batch path used
 * to clear each one with an update of the profile document as its ack arrived: one more profile
 * update per changed profile and batch. The ack now records it here (and clears only a store part,
 * which must not be carried out again later); {@link FinishedOutboxCleaner} clears what is still
 * recorded after {@code cdp.profile.outbox.clear-delay} in one bulk write, and most entries go
 * before that because the profile's next write replaced the outbox.
 *
 * <p>Until then a writer that reads the profile at that version drops the outbox ({@link
 * ProfileStore}), so this instance sends nothing twice. After a crash, or on another instance, the
 * record is not there: the outbox relay or the next write carries such an outbox out again, at
 * least once, as for any crash between a write and its ack (consumers apply a version once).
 */
@ApplicationScoped
public class FinishedOutboxes {
  /** The outbox of {@code profileId} written at {@code version}, finished at {@code at}. */
  public record Finished(String workspaceId, String profileId, long version, Instant at) {
    String key() {
      return ProfileDocuments.id(workspaceId, profileId);
    }
  }

  private final Map<String, Finished> finished = new ConcurrentHashMap<>();
  private final Clock clock;

  FinishedOutboxes(Clock clock) {
    this.clock = clock;
  }

  /** The outbox {@code p} was written with (at {@code p.version}) is carried out. */
  void finished(Profile p) {
    Finished entry = new Finished(p.workspaceId, p.profileId, p.version, clock.instant());
    finished.merge(entry.key(), entry, (old, now) -> now.version() >= old.version() ? now : old);
  }

  /** Drops from a freshly read profile an outbox that is finished at the version read. */
  void dropFinished(Profile p) {
    Finished entry = finished.get(ProfileDocuments.id(p.workspaceId, p.profileId));
    if (entry != null && entry.version() == p.version) {
      p.outbox.clear();
    }
  }

  /** {@code p} was written again: its new version has its own outbox, or none. */
  void superseded(Profile p) {
    finished.computeIfPresent(
        ProfileDocuments.id(p.workspaceId, p.profileId),
        (key, entry) -> entry.version() < p.version ? null : entry);
  }

  /** The entries finished before {@code cutoff}, to clear in the store. */
  List<Finished> finishedBefore(Instant cutoff) {
    List<Finished> due = new ArrayList<>();
    for (Finished entry : finished.values()) {
      if (entry.at().isBefore(cutoff)) {
        due.add(entry);
      }
    }
    return due;
  }

  /** Forgets entries whose outbox is now cleared (unless finished again meanwhile). */
  void cleared(List<Finished> done) {
    done.forEach(entry -> finished.remove(entry.key(), entry));
  }

  /** Whether the outbox of that profile version is finished but still in its document. */
  public boolean holds(String workspaceId, String profileId, long version) {
    Finished entry = finished.get(ProfileDocuments.id(workspaceId, profileId));
    return entry != null && entry.version() == version;
  }

  public int size() {
    return finished.size();
  }
}
