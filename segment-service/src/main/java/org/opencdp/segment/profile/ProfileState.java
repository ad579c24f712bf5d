package org.opencdp.segment.profile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.opencdp.segment.condition.Facts;
import org.opencdp.segment.condition.Occurrence;

/** The decoded, mutable form of a {@link ProfileStateEntity} that conditions are evaluated on. */
public final class ProfileState implements Facts {
  public final String workspaceId;
  public final String profileId;
  public long version;
  public boolean deleted;
  public Map<String, Object> traits = new HashMap<>();
  public Map<String, Object> computed = new HashMap<>();
  public Map<String, Boolean> consent = new HashMap<>();
  private Map<String, List<Occurrence>> events;
  private Function<ProfileState, Map<String, List<Occurrence>>> eventDecoder;
  public final Set<String> segments = new LinkedHashSet<>();

  public ProfileState(String workspaceId, String profileId) {
    this.workspaceId = workspaceId;
    this.profileId = profileId;
    this.events = new HashMap<>();
  }

  /**
   * The snapshot maps as decoded from the stored row; while {@link #traits}, {@link #computed} and
   * {@link #consent} are these same instances (every change replaces them, none edits them in
   * place), the stored JSON is still right and is not encoded again (an event changes only the
   * occurrences).
   */
  private Object[] decodedSnapshot;

  void decodedSnapshot(String json) {
    decodedSnapshot = new Object[] {traits, computed, consent, json};
  }

  /** True when the snapshot is still the one decoded from {@code json}. */
  boolean snapshotAsDecoded(String json) {
    return decodedSnapshot != null
        && json != null
        && decodedSnapshot[3] == json
        && decodedSnapshot[0] == traits
        && decodedSnapshot[1] == computed
        && decodedSnapshot[2] == consent;
  }

  /** Event occurrences are decoded on first use (many segments never read them). */
  void decodeEventsLazily(Function<ProfileState, Map<String, List<Occurrence>>> decoder) {
    this.events = null;
    this.eventDecoder = decoder;
  }

  /** True when the occurrences were read (and so may have changed). */
  boolean eventsLoaded() {
    return events != null;
  }

  /** All kept occurrences by event name (decodes them). */
  public Map<String, List<Occurrence>> events() {
    if (events == null) {
      events = new HashMap<>(eventDecoder.apply(this));
      eventDecoder = null;
    }
    return events;
  }

  @Override
  public Map<String, Object> traits() {
    return traits;
  }

  @Override
  public Map<String, Object> computedTraits() {
    return computed;
  }

  @Override
  public Map<String, Boolean> consent() {
    return consent;
  }

  @Override
  public List<Occurrence> occurrences(String event) {
    return events().getOrDefault(event, List.of());
  }

  @Override
  public Set<String> segments() {
    return segments;
  }

  /** Forgets everything but the identity and the version (erasure, merged away). */
  public void erase() {
    deleted = true;
    traits = new HashMap<>();
    computed = new HashMap<>();
    consent = new HashMap<>();
    events = new HashMap<>();
  }

  /**
   * Adds an occurrence unless one with the same id is kept; keeps the newest {@code max} and drops
   * those older than {@code oldest}. Returns false for a duplicate.
   */
  public boolean addOccurrence(String event, Occurrence occurrence, int max, long oldest) {
    List<Occurrence> kept = new ArrayList<>(occurrences(event));
    for (Occurrence o : kept) {
      if (o.id().equals(occurrence.id())) {
        return false;
      }
    }
    kept.add(occurrence);
    kept.removeIf(o -> o.at() < oldest);
    kept.sort((a, b) -> Long.compare(a.at(), b.at()));
    if (kept.size() > max) {
      kept = new ArrayList<>(kept.subList(kept.size() - max, kept.size()));
    }
    events().put(event, kept);
    return true;
  }
}
