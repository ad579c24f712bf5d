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
  final Outbox outbox = new Outbox();

  /**
   * Stored (encrypted) forms as loaded, keyed by trait name + event key and by identifier hash, so
   * that unchanged values are written back without re-encrypting them.
   */
  final Map<String, Object> storedForms = new java.util.HashMap<>();

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
    if (traits.isEmpty() && identifiers.isEmpty()) {
      return false;
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
