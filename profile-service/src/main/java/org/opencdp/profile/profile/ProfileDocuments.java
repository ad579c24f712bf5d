package org.opencdp.profile.profile;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bson.Document;
import org.opencdp.profile.computed.Bucket;
import org.opencdp.profile.security.FieldCipher;

/**
 * Maps {@link Profile} to and from its stored document (protected traits, encrypted identifiers).
 */
@ApplicationScoped
public class ProfileDocuments {
  private final TraitProtector protector;
  private final FieldCipher cipher;

  ProfileDocuments(TraitProtector protector, FieldCipher cipher) {
    this.protector = protector;
    this.cipher = cipher;
  }

  public static String id(String workspaceId, String profileId) {
    return workspaceId + ":" + profileId;
  }

  public Document toDocument(Profile p, long version) {
    String ws = p.workspaceId;
    Document doc = new Document("_id", id(ws, p.profileId));
    doc.put("workspaceId", ws);
    doc.put("profileId", p.profileId);
    doc.put("version", version);
    doc.put("status", p.status.name());
    doc.put("mergedInto", p.mergedInto);
    doc.put("mergedFrom", new ArrayList<>(p.mergedFrom));
    doc.put("suppressed", p.suppressed);
    putDerived(doc, p, p);
    Document computed = new Document();
    p.computed.forEach((k, v) -> computed.put(BsonValues.escapeKey(k), BsonValues.toStored(v)));
    doc.put("computed", computed);
    doc.put("nextExpiry", date(p.nextExpiry));
    if (p.base != null) {
      Document base = new Document();
      putDerived(base, p.base, p);
      doc.put("base", base);
    }
    if (!p.baseFolded.isEmpty()) {
      doc.put("baseFolded", new ArrayList<>(p.baseFolded));
    }
    doc.put("recent", new ArrayList<>(p.recentEventKeys));
    if (!p.segments.isEmpty()) {
      Document segments = new Document();
      p.segments.forEach((id, s) -> segments.put(BsonValues.escapeKey(id), segment(s)));
      doc.put("segments", segments);
    }
    Profile.Outbox o = p.outbox;
    if (!o.isEmpty()) {
      Document out = new Document();
      out.put("fields", new ArrayList<>(o.changedFields));
      List<Document> audit = new ArrayList<>();
      o.audit.forEach(a -> audit.add(auditDocument(ws, p.profileId, a)));
      out.put("audit", audit);
      List<Document> outIds = new ArrayList<>();
      o.identifiers.forEach(i -> outIds.add(identifier(ws, i)));
      out.put("ids", outIds);
      out.put("cause", o.causingEventKey);
      out.put("deleted", o.deleted);
      out.put("at", new Date()); // wall clock: when the relay may consider the work lost
      doc.put("outbox", out);
    }
    return doc;
  }

  /**
   * Writes the state derived from events (traits, consent, identifiers, computed-trait buckets,
   * first/last seen, count) of {@code p}, reusing the stored (encrypted) forms {@code forms}
   * loaded.
   */
  private void putDerived(Document doc, Profile p, Profile forms) {
    String ws = forms.workspaceId;
    Document traits = new Document();
    p.traits.forEach(
        (k, s) -> {
          Object stored = forms.storedForms.get("t|" + k + "|" + s.eventKey());
          if (stored == null) {
            stored = BsonValues.toStored(protector.protect(ws, k, s.value()));
          }
          traits.put(BsonValues.escapeKey(k), stamp(s, stored));
        });
    doc.put("traits", traits);
    Document consent = new Document();
    p.consent.forEach((k, s) -> consent.put(BsonValues.escapeKey(k), stamp(s, s.value())));
    doc.put("consent", consent);
    List<Document> ids = new ArrayList<>();
    p.identifiers
        .values()
        .forEach(
            i -> {
              Object stored = forms.storedForms.get("i|" + i.hash());
              ids.add(
                  stored == null
                      ? identifier(ws, i)
                      : new Document("t", i.type()).append("v", stored).append("h", i.hash()));
            });
    doc.put("identifiers", ids);
    Document states = new Document();
    p.computedStates.forEach(
        (name, buckets) -> {
          Document b = new Document();
          buckets.forEach((key, bucket) -> b.put(key, bucket(bucket)));
          states.put(BsonValues.escapeKey(name), b);
        });
    doc.put("computedStates", states);
    doc.put("firstSeen", date(p.firstSeen));
    doc.put("lastSeen", date(p.lastSeen));
    doc.put("eventCount", p.eventCount);
  }

  @SuppressWarnings("unchecked")
  public Profile fromDocument(Document doc) {
    String ws = doc.getString("workspaceId");
    Profile p = new Profile(ws, doc.getString("profileId"));
    p.version = doc.get("version", Number.class).longValue();
    p.status = Profile.Status.valueOf(doc.getString("status"));
    p.mergedInto = doc.getString("mergedInto");
    p.mergedFrom.addAll(doc.getList("mergedFrom", String.class, List.of()));
    p.suppressed = Boolean.TRUE.equals(doc.getBoolean("suppressed"));
    readDerived(doc, p, p);
    Document computed = doc.get("computed", Document.class);
    if (computed != null) {
      computed.forEach(
          (k, v) -> p.computed.put(BsonValues.unescapeKey(k), BsonValues.fromStored(v)));
    }
    p.nextExpiry = instant(doc.getDate("nextExpiry"));
    Document base = doc.get("base", Document.class);
    if (base != null) {
      p.base = new Profile(ws, p.profileId);
      readDerived(base, p.base, p);
    }
    p.baseFolded.addAll(doc.getList("baseFolded", String.class, List.of()));
    p.recentEventKeys.addAll(doc.getList("recent", String.class, List.of()));
    Document segments = doc.get("segments", Document.class);
    if (segments != null) {
      segments.forEach(
          (k, v) ->
              p.segments.put(
                  BsonValues.unescapeKey(k), segment(BsonValues.unescapeKey(k), (Document) v)));
    }
    Document out = doc.get("outbox", Document.class);
    if (out != null) {
      p.outbox.changedFields.addAll(out.getList("fields", String.class, List.of()));
      for (Document a : out.getList("audit", Document.class, List.of())) {
        p.outbox.audit.add(auditEntry(ws, a));
      }
      for (Document i : out.getList("ids", Document.class, List.of())) {
        p.outbox.identifiers.add(identifier(ws, i));
      }
      p.outbox.causingEventKey = out.getString("cause");
      p.outbox.deleted = Boolean.TRUE.equals(out.getBoolean("deleted"));
    }
    return p;
  }

  private void readDerived(Document doc, Profile p, Profile forms) {
    String ws = forms.workspaceId;
    Document traits = doc.get("traits", Document.class);
    if (traits != null) {
      traits.forEach(
          (k, v) -> {
            Document s = (Document) v;
            String name = BsonValues.unescapeKey(k);
            Object stored = BsonValues.fromStored(s.get("v"));
            // an encrypted value is decrypted when first used (most writes never use it)
            Stamp stamp =
                FieldCipher.isEncrypted(stored)
                    ? Stamp.sealed(
                        () -> protector.reveal(ws, stored),
                        s.getString("src"),
                        s.getString("ek"),
                        instant(s.getDate("at")))
                    : stamp(s, protector.reveal(ws, stored));
            p.traits.put(name, stamp);
            forms.storedForms.put("t|" + name + "|" + stamp.eventKey(), s.get("v"));
          });
    }
    Document consent = doc.get("consent", Document.class);
    if (consent != null) {
      consent.forEach(
          (k, v) ->
              p.consent.put(
                  BsonValues.unescapeKey(k), stamp((Document) v, ((Document) v).get("v"))));
    }
    for (Document i : doc.getList("identifiers", Document.class, List.of())) {
      KnownIdentifier known = identifier(ws, i);
      p.identifiers.put(known.hash(), known);
      forms.storedForms.put("i|" + known.hash(), i.getString("v"));
    }
    Document states = doc.get("computedStates", Document.class);
    if (states != null) {
      states.forEach(
          (name, b) -> {
            TreeMap<String, Bucket> buckets = new TreeMap<>();
            ((Document) b).forEach((key, bucket) -> buckets.put(key, bucket((Document) bucket)));
            p.computedStates.put(BsonValues.unescapeKey(name), buckets);
          });
    }
    p.firstSeen = instant(doc.getDate("firstSeen"));
    p.lastSeen = instant(doc.getDate("lastSeen"));
    Number count = doc.get("eventCount", Number.class);
    p.eventCount = count == null ? 0 : count.longValue();
  }

  /** The stored audit record; trait values are protected like the traits themselves. */
  public Document auditDocument(String ws, String profileId, AuditEntry a) {
    String trait = a.field().startsWith("traits.") ? a.field().substring(7) : null;
    Object oldValue = BsonValues.toStored(a.oldValue());
    Object newValue = BsonValues.toStored(a.newValue());
    if (trait != null) {
      oldValue = protector.protect(ws, trait, oldValue);
      newValue = protector.protect(ws, trait, newValue);
    }
    return new Document("_id", ws + ":" + a.id())
        .append("workspaceId", ws)
        .append("profileId", profileId)
        .append("field", a.field())
        .append("old", oldValue)
        .append("new", newValue)
        .append("source", a.source())
        .append("eventKey", a.eventKey())
        .append("eventTime", date(a.eventTime()))
        .append("recordedAt", date(a.recordedAt()));
  }

  public AuditEntry auditEntry(String ws, Document a) {
    String id = a.getString("_id");
    return new AuditEntry(
        id.substring(ws.length() + 1),
        a.getString("field"),
        protector.reveal(ws, BsonValues.fromStored(a.get("old"))),
        protector.reveal(ws, BsonValues.fromStored(a.get("new"))),
        a.getString("source"),
        a.getString("eventKey"),
        instant(a.getDate("eventTime")),
        instant(a.getDate("recordedAt")));
  }

  public Document identifier(String ws, KnownIdentifier i) {
    return new Document("t", i.type())
        .append("v", cipher.encrypt(ws, i.value()))
        .append("h", i.hash());
  }

  /** A stored identifier; its value is decrypted when first used (writes need only the hash). */
  public KnownIdentifier identifier(String ws, Document d) {
    String encrypted = d.getString("v");
    return KnownIdentifier.sealed(
        d.getString("t"), () -> cipher.decrypt(ws, encrypted), d.getString("h"));
  }

  private static Document stamp(Stamp s, Object storedValue) {
    return new Document("v", storedValue)
        .append("src", s.source())
        .append("ek", s.eventKey())
        .append("at", date(s.at()));
  }

  private static Stamp stamp(Document d, Object value) {
    return new Stamp(value, d.getString("src"), d.getString("ek"), instant(d.getDate("at")));
  }

  private static Document segment(SegmentMembership s) {
    return new Document("name", s.segmentName())
        .append("ver", s.segmentVersion())
        .append("in", s.member())
        .append("enteredAt", date(s.enteredAt()))
        .append("at", date(s.changedAt()));
  }

  private static SegmentMembership segment(String id, Document d) {
    return new SegmentMembership(
        id,
        d.getString("name"),
        d.get("ver", Number.class).longValue(),
        Boolean.TRUE.equals(d.getBoolean("in")),
        instant(d.getDate("enteredAt")),
        instant(d.getDate("at")));
  }

  private static Document bucket(Bucket b) {
    Document d = new Document("c", b.count).append("n", b.numericCount).append("s", b.sum);
    d.append("min", b.min).append("max", b.max);
    if (b.firstAt != null) {
      d.append("f", BsonValues.toStored(b.first))
          .append("fAt", date(b.firstAt))
          .append("fKey", b.firstKey);
      d.append("l", BsonValues.toStored(b.last))
          .append("lAt", date(b.lastAt))
          .append("lKey", b.lastKey);
    }
    Document freq = new Document();
    b.frequencies.forEach((k, v) -> freq.put(BsonValues.escapeKey(k), v));
    d.append("freq", freq);
    return d;
  }

  private static Bucket bucket(Document d) {
    Bucket b = new Bucket();
    b.count = d.get("c", Number.class).longValue();
    b.numericCount = d.get("n", Number.class).longValue();
    b.sum = d.get("s", Number.class).doubleValue();
    b.min = d.get("min") == null ? null : d.get("min", Number.class).doubleValue();
    b.max = d.get("max") == null ? null : d.get("max", Number.class).doubleValue();
    if (d.get("fAt") != null) {
      b.first = BsonValues.fromStored(d.get("f"));
      b.firstAt = instant(d.getDate("fAt"));
      b.firstKey = d.getString("fKey");
      b.last = BsonValues.fromStored(d.get("l"));
      b.lastAt = instant(d.getDate("lAt"));
      b.lastKey = d.getString("lKey");
    }
    Document freq = d.get("freq", Document.class);
    if (freq != null) {
      freq.forEach(
          (k, v) -> b.frequencies.put(BsonValues.unescapeKey(k), ((Number) v).longValue()));
    }
    return b;
  }

  static Date date(Instant instant) {
    return instant == null ? null : Date.from(instant);
  }

  static Instant instant(Date date) {
    return date == null ? null : date.toInstant();
  }

  /** Computed values as plain Java, for API views. */
  public static Map<String, Object> plain(Map<String, Object> values) {
    Map<String, Object> out = new TreeMap<>();
    values.forEach((k, v) -> out.put(k, BsonValues.fromStored(v)));
    return out;
  }
}
