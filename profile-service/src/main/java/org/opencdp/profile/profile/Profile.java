package org.opencdp.profile.profile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.opencdp.profile.computed.Bucket;

/**
 * The in-memory state of one profile document (values in clear). Mutated by {@link ProfileApplier}
 * then written back whole, guarded by {@link #version} (optimistic concurrency, no transactions).
 */
public final class Profile {
  public enum Status {
    ACTIVE,
    MERGED
  }

  final String workspaceId;
  final String profileId;
  long version;
  Status status = Status.ACTIVE;
  String mergedInto;
  final List<String> mergedFrom = new ArrayList<>();
  boolean suppressed;
  final Map<String, Stamp> traits = new TreeMap<>();
  final Map<String, Stamp> consent = new TreeMap<>();
  final Map<String, KnownIdentifier> identifiers = new LinkedHashMap<>(); // by hash
  final Map<String, TreeMap<String, Bucket>> computedStates = new TreeMap<>();
  final Map<String, Object> computed = new TreeMap<>();
  Instant firstSeen;
  Instant lastSeen;
  Instant nextExpiry;
  long eventCount;
  final LinkedHashSet<String> recentEventKeys = new LinkedHashSet<>();

  /**
   * The fold of the events that timeline retention removed (derived state only), or null. Rebuilds
   * (merge, unmerge) start from it instead of from nothing.
   */
  Profile base;

  /** Keys of the entries the last retention run folded into {@link #base} (crash-safe redo). */
  final List<String> baseFolded = new ArrayList<>();

  /** Segment standings by segment id (not derived from the timeline: rebuilds keep them). */
  final Map<String, SegmentMembership> segments = new TreeMap<>();

  final Outbox outbox = new Outbox();

  /**
   * Stored (encrypted) forms as loaded, keyed by trait name + event key and by identifier hash, so
   * that unchanged values are written back without re-encrypting them.
   */
  final Map<String, Object> storedForms = new java.util.HashMap<>();

  /**
   * The document as stored at {@link #version} (read for writing, or last written), so that the
   * next write sends only what changed ({@link DocumentDiff}); null for a profile never stored.
   */
  org.bson.Document storedDocument;

  public Profile(String workspaceId, String profileId) {
    this.workspaceId = workspaceId;
    this.profileId = profileId;
  }

  public String workspaceId() {
    return workspaceId;
  }

  public String profileId() {
    return profileId;
  }

  public long version() {
    return version;
  }

  public boolean exists() {
    return version > 0;
  }

  public Status status() {
    return status;
  }

  public String mergedInto() {
    return mergedInto;
  }

  public List<String> mergedFrom() {
    return mergedFrom;
  }

  public boolean suppressed() {
    return suppressed;
  }

  public Map<String, Stamp> traits() {
    return traits;
  }

  public Map<String, Stamp> consent() {
    return consent;
  }

  public Map<String, KnownIdentifier> identifiers() {
    return identifiers;
  }

  public Map<String, Object> computed() {
    return computed;
  }

  public Instant firstSeen() {
    return firstSeen;
  }

  public Instant lastSeen() {
    return lastSeen;
  }

  public long eventCount() {
    return eventCount;
  }

  /** Segments the profile is in now, by segment id. */
  public List<SegmentMembership> currentSegments() {
    return segments.values().stream().filter(SegmentMembership::member).toList();
  }

  /**
   * Applies a membership change unless a newer one for the same segment was applied; true if the
   * standing changed.
   */
  boolean applySegmentChange(SegmentMembership change) {
    SegmentMembership current = segments.get(change.segmentId());
    if (current != null && current.changedAt().isAfter(change.changedAt())) {
      return false; // older news never overwrites newer
    }
    SegmentMembership next = change;
    if (change.member() && current != null && current.member()) {
      next =
          new SegmentMembership(
              change.segmentId(),
              change.segmentName(),
              change.segmentVersion(),
              true,
              current.enteredAt(),
              change.changedAt());
    }
    if (next.equals(current)) {
      return false;
    }
    segments.put(change.segmentId(), next);
    return true;
  }

  /** Takes over a merged profile's segment standings (the newer standing wins per segment). */
  void absorbSegments(Map<String, SegmentMembership> merged) {
    merged.forEach((id, standing) -> segments.merge(id, standing, SegmentMembership::newer));
  }

  /**
   * Decrypts the values still sealed (see {@link Stamp}) when this write publishes them: a
   * ProfileChanged carries every trait and identifier, so a value this service cannot read fails
   * the write before anything is stored, as when every value was decrypted on read.
   */
  void revealIfPublished() {
    if (outbox.changedFields.isEmpty() && !outbox.deleted) {
      return;
    }
    traits.values().forEach(Stamp::value);
    identifiers.values().forEach(KnownIdentifier::value);
  }

  public Map<String, Object> traitValues() {
    Map<String, Object> values = new LinkedHashMap<>();
    traits.forEach((k, v) -> values.put(k, v.value()));
    return values;
  }

  public Map<String, Boolean> consentValues() {
    Map<String, Boolean> values = new LinkedHashMap<>();
    consent.forEach((k, v) -> values.put(k, Boolean.TRUE.equals(v.value())));
    return values;
  }

  /** Marks the profile suppressed; false if it already was. */
  public boolean suppress() {
    if (suppressed) {
      return false;
    }
    suppressed = true;
    outbox.changedFields.add("suppressed");
    return true;
  }

  /**
   * Forgets who the person is: traits and identifiers go, behaviour (computed traits, counts) and
   * consent stay. False if there was nothing to forget.
   */
  public boolean anonymize() {
    boolean baseIdentifies = base != null && !(base.traits.isEmpty() && base.identifiers.isEmpty());
    if (traits.isEmpty() && identifiers.isEmpty() && !baseIdentifies) {
      return false;
    }
    if (base != null) {
      base.traits.clear();
      base.identifiers.clear();
    }
    traits.keySet().forEach(name -> outbox.changedFields.add("traits." + name));
    traits.clear();
    if (!identifiers.isEmpty()) {
      outbox.changedFields.add("identifiers");
    }
    identifiers.clear();
    outbox.audit.clear();
    outbox.identifiers.clear();
    return true;
  }

  /** A new profile whose derived state is a deep copy of this one's (stamps are immutable). */
  Profile derivedCopy(String ws, String id) {
    Profile copy = new Profile(ws, id);
    copy.absorb(this);
    copy.computed.putAll(computed);
    copy.nextExpiry = nextExpiry;
    return copy;
  }

  /**
   * Folds another profile's derived state into this one: traits and consent by last-write-wins,
   * identifiers united, computed-trait buckets added, first/last seen widened, counts added. Every
   * fold is commutative, so the result does not depend on the order.
   */
  void absorb(Profile other) {
    other.traits.forEach((k, s) -> traits.merge(k, s, (a, b) -> b.supersedes(a) ? b : a));
    other.consent.forEach((k, s) -> consent.merge(k, s, (a, b) -> b.supersedes(a) ? b : a));
    other.identifiers.forEach(identifiers::putIfAbsent);
    other.computedStates.forEach(
        (name, buckets) -> {
          TreeMap<String, Bucket> mine = computedStates.computeIfAbsent(name, n -> new TreeMap<>());
          buckets.forEach((key, bucket) -> mine.merge(key, bucket.copy(), Bucket::merge));
        });
    if (other.firstSeen != null && (firstSeen == null || other.firstSeen.isBefore(firstSeen))) {
      firstSeen = other.firstSeen;
    }
    if (other.lastSeen != null && (lastSeen == null || other.lastSeen.isAfter(lastSeen))) {
      lastSeen = other.lastSeen;
    }
    eventCount += other.eventCount;
  }

  /** Replaces the derived state (everything rebuilt from the timeline) with another profile's. */
  void replaceDerivedState(Profile rebuilt) {
    traits.clear();
    traits.putAll(rebuilt.traits);
    consent.clear();
    consent.putAll(rebuilt.consent);
    identifiers.clear();
    identifiers.putAll(rebuilt.identifiers);
    computedStates.clear();
    computedStates.putAll(rebuilt.computedStates);
    computed.clear();
    computed.putAll(rebuilt.computed);
    firstSeen = rebuilt.firstSeen;
    lastSeen = rebuilt.lastSeen;
    nextExpiry = rebuilt.nextExpiry;
    eventCount = rebuilt.eventCount;
  }

  /**
   * Work to do after the document write (publish, audit, identifier index), stored in the same
   * document so that a crash between the write and the work cannot lose it.
   */
  static final class Outbox {
    final LinkedHashSet<String> changedFields = new LinkedHashSet<>();
    final List<AuditEntry> audit = new ArrayList<>();
    final List<KnownIdentifier> identifiers = new ArrayList<>();
    String causingEventKey;
    boolean deleted;

    boolean isEmpty() {
      return changedFields.isEmpty() && audit.isEmpty() && identifiers.isEmpty() && !deleted;
    }

    void clear() {
      changedFields.clear();
      audit.clear();
      identifiers.clear();
      causingEventKey = null;
      deleted = false;
    }
  }
}
