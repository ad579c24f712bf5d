package org.opencdp.segment.profile;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.time.Instant;
import java.util.Objects;

/**
 * Everything the service holds on one profile, in one row so that every change is one atomic write
 * under a row lock: the latest snapshot from {@code cdp.profiles.changed}, the kept event
 * occurrences from {@code cdp.events.resolved}, and the segments the profile is in (the source of
 * truth of membership; Redis is rebuilt from it). {@code key} is {@code workspace:profileId}.
 */
@Entity
@Table(
    name = "profile_state",
    indexes = {
      @Index(name = "profile_state_ws_key", columnList = "workspaceId,key"),
      @Index(name = "profile_state_merged", columnList = "workspaceId,mergedInto")
    },
    options = ProfileStateEntity.TABLE_OPTIONS)
public class ProfileStateEntity {
  /**
   * Room on every page for a new version of its rows: nearly every input rewrites its profile's row
   * (the event tail, the snapshot), and PostgreSQL can then write the new version on the same page
   * as a heap-only tuple, without a new entry in any of the three indexes. At the default 100 most
   * updates went to another page and touched every index (see the README's PostgreSQL section).
   */
  static final String TABLE_OPTIONS = "with (fillfactor = 70)";

  @Id public String key;

  @Column(nullable = false)
  public String workspaceId;

  @Column(nullable = false)
  public String profileId;

  /** Version of the latest snapshot applied; 0 while only events are known. */
  public long version;

  /** Erased or merged away: no data kept, the version guards against older redeliveries. */
  public boolean deleted;

  /**
   * The survivor this profile was merged into, if any: a privacy delete of the survivor also erases
   * what is left of the profiles merged into it (their history), as the profile-service does.
   */
  public String mergedInto;

  /** JSON {traits, computed, consent}. */
  @Column(columnDefinition = "text")
  public String snapshot;

  /** JSON {eventName: [[id, epochMillis, {properties}], ...]}. */
  @Column(columnDefinition = "text")
  public String events;

  /**
   * Occurrences appended since {@code events} was last written, not yet folded into it (see {@code
   * TailCodec}): an event that no segment reads is appended here as a line of text instead of
   * decoding, re-encoding and rewriting the kilobytes of {@code events}; the next reader folds the
   * tail in (duplicates dropped, newest kept), and a write after that empties it.
   */
  @Column(name = "events_tail", columnDefinition = "text")
  public String eventsTail;

  /**
   * False while {@link #events} was not read with the row: the real-time path reads the kept
   * occurrences (kilobytes of JSON, usually compressed out of line) only for profiles whose inputs
   * can read them ({@code ProfileStateRepository#lockAll}, {@code #readEvents}); until then they
   * must be neither decoded nor written.
   */
  @Transient public boolean eventsRead = true;

  /** Segment ids the profile is in, space separated. */
  @Column(columnDefinition = "text")
  public String segments;

  public Instant updatedAt;

  public static String key(String workspaceId, String profileId) {
    return workspaceId + ":" + profileId;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProfileStateEntity other && key != null && key.equals(other.key);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(key);
  }
}
