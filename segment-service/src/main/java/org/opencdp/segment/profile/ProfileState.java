package org.opencdp.segment.profile;

import java.util.ArrayList;
import java.util.Collections;
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
  private Function<List<TailEntry>, Map<String, List<Occurrence>>> eventDecoder;
  private int storedTailEntries;
  private final List<TailEntry> appended = new ArrayList<>();
  private boolean eventsChanged;
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

  /**
   * Event occurrences are decoded on first use (many segments never read them): {@code decoder}
   * decodes the stored occurrences, folds the row's tail into them and then the given entries
   * appended since.
   */
  void decodeEventsLazily(
      Function<List<TailEntry>, Map<String, List<Occurrence>>> decoder, int storedTailEntries) {
    this.events = null;
    this.eventDecoder = decoder;
    this.storedTailEntries = storedTailEntries;
  }

  /** True when the occurrences were read (and so may have changed). */
  boolean eventsLoaded() {
    return events != null;
  }

  /** True when the kept occurrences differ from the row's {@code events} column. */
  boolean eventsChanged() {
    return eventsChanged;
  }

  /** Whether {@code entries} more occurrences can be appended without folding the tail. */
  public boolean tailHasRoomFor(int entries, int tailMax) {
    return events == null && storedTailEntries + appended.size() + entries <= tailMax;
  }

  /** Occurrences appended since the row was read, not folded in (the row's tail grows by them). */
  List<TailEntry> appended() {
    return appended;
  }

  /**
   * All kept occurrences by event name: the only way to read them, so every reader sees the tail
   * folded in (duplicates removed, newest {@code max-occurrences} kept).
   */
  public Map<String, List<Occurrence>> events() {
    if (events == null) {
      events = new HashMap<>(eventDecoder.apply(appended));
      eventsChanged = storedTailEntries > 0 || !appended.isEmpty();
      eventDecoder = null;
      appended.clear();
    }
    return Collections.unmodifiableMap(events);
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
    eventDecoder = null;
    appended.clear();
    eventsChanged = true;
  }

  /**
   * Adds an occurrence unless one with the same id is kept; keeps the newest {@code max} and drops
   * those older than {@code oldest}. Returns false for a duplicate. Reads (decodes) the kept ones.
   */
  public boolean addOccurrence(String event, Occurrence occurrence, int max, long oldest) {
    events(); // folds the tail
    boolean added = KeptOccurrences.add(events, event, occurrence, max, oldest);
    eventsChanged |= added;
    return added;
  }

  /**
   * Records an occurrence that nothing reads now: while the kept occurrences are not decoded and
   * the tail holds fewer than {@code tailMax} entries, it is only appended to the tail (no decoding
   * and encoding of the kept ones); the fold on the next read applies the rules of {@link
   * #addOccurrence}, so a duplicate appended here is dropped then. Returns false only for a
   * duplicate found now.
   */
  public boolean appendOccurrence(
      String event, Occurrence occurrence, int max, long oldest, int tailMax) {
    if (!tailHasRoomFor(1, tailMax)) {
      return addOccurrence(event, occurrence, max, oldest);
    }
    appended.add(new TailEntry(event, occurrence, oldest));
    return true;
  }
}
