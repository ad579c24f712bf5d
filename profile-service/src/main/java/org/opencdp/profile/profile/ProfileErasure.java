package org.opencdp.profile.profile;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.opencdp.profile.audit.AuditStore;
import org.opencdp.profile.timeline.TimelineStore;

/** This service's part of privacy requests: erase, anonymize, suppress. All idempotent. */
@ApplicationScoped
public class ProfileErasure {
  private static final int MAX_EVENTS = 100_000;

  private final ProfileStore profiles;
  private final ProfileWriter writer;
  private final TimelineStore timeline;
  private final IdentifierStore identifiers;
  private final AuditStore audit;
  private final PayloadCodec payloads;
  private final ErasureTombstones tombstones;
  private final SegmentStore segments;

  ProfileErasure(
      ProfileStore profiles,
      ProfileWriter writer,
      TimelineStore timeline,
      IdentifierStore identifiers,
      AuditStore audit,
      PayloadCodec payloads,
      ErasureTombstones tombstones,
      SegmentStore segments) {
    this.tombstones = tombstones;
    this.segments = segments;
    this.profiles = profiles;
    this.writer = writer;
    this.timeline = timeline;
    this.identifiers = identifiers;
    this.audit = audit;
    this.payloads = payloads;
  }

  /** The profile and every profile merged into it (transitively). */
  public Uni<List<String>> family(String workspaceId, String profileId) {
    return collect(workspaceId, List.of(profileId), new LinkedHashSet<>(List.of(profileId)), 0);
  }

  private Uni<List<String>> collect(
      String ws, List<String> frontier, LinkedHashSet<String> found, int depth) {
    if (frontier.isEmpty() || depth > 16) {
      return Uni.createFrom().item(new ArrayList<>(found));
    }
    return Uni.join()
        .all(frontier.stream().map(id -> profiles.mergedInto(ws, id)).toList())
        .andFailFast()
        .chain(
            lists -> {
              List<String> next = new ArrayList<>();
              lists.forEach(l -> l.stream().filter(found::add).forEach(next::add));
              return collect(ws, next, found, depth + 1);
            });
  }

  /**
   * Erases the profile, its merged profiles, their events, identifiers, segment history and audit
   * trail. The tombstones go first: an event applied concurrently either lands before the deletes
   * (and is deleted with the rest) or sees the tombstone (see {@link ProfileEvents}).
   */
  public Uni<Void> erase(String workspaceId, String profileId) {
    return family(workspaceId, profileId)
        .chain(
            ids ->
                tombstones
                    .bury(workspaceId, ids)
                    .chain(() -> timeline.deleteForProfiles(workspaceId, ids))
                    .chain(() -> segments.deleteForProfiles(workspaceId, ids))
                    .chain(() -> identifiers.deleteForProfiles(workspaceId, ids))
                    .chain(() -> audit.deleteForProfiles(workspaceId, ids))
                    .chain(() -> profiles.delete(workspaceId, ids)))
        .replaceWithVoid();
  }

  /** What is left of a person in this service's stores (0 after an erase). */
  public Uni<Long> remaining(String workspaceId, String profileId) {
    List<String> ids = List.of(profileId);
    return Uni.join()
        .all(
            timeline.countForProfiles(workspaceId, ids),
            identifiers.countForProfiles(workspaceId, ids),
            audit.countForProfiles(workspaceId, ids),
            segments.countForProfiles(workspaceId, ids),
            profiles.load(workspaceId, profileId).map(p -> p.exists() ? 1L : 0L))
        .andFailFast()
        .map(counts -> counts.stream().mapToLong(Long::longValue).sum());
  }

  public Uni<Void> suppress(String workspaceId, String profileId) {
    return writer
        .mutate(workspaceId, profileId, p -> Uni.createFrom().item(p.exists() && p.suppress()))
        .replaceWithVoid();
  }

  /**
   * Keeps behaviour, forgets identity: traits, identifiers and the audit trail go; event payloads
   * keep only type, name, properties and times.
   */
  public Uni<Void> anonymize(String workspaceId, String profileId) {
    return family(workspaceId, profileId)
        .chain(
            ids ->
                writer
                    .mutate(
                        workspaceId,
                        profileId,
                        p -> Uni.createFrom().item(p.exists() && p.anonymize()))
                    .chain(() -> identifiers.deleteForProfiles(workspaceId, ids))
                    .chain(() -> audit.deleteForProfiles(workspaceId, ids))
                    .chain(() -> timeline.allRecorded(workspaceId, profileId, MAX_EVENTS))
                    .chain(this::stripPayloads));
  }

  private Uni<Void> stripPayloads(List<Document> docs) {
    Uni<Void> chain = Uni.createFrom().voidItem();
    for (Document doc : docs) {
      Map<String, Object> payload = payloads.parse(doc.getString("payload"));
      Map<String, Object> kept = new java.util.LinkedHashMap<>();
      for (String field :
          List.of(
              "messageId",
              "workspaceId",
              "sourceId",
              "type",
              "event",
              "name",
              "category",
              "properties",
              "timestamp",
              "originalTimestamp",
              "sentAt",
              "receivedAt",
              "profileId")) {
        if (payload.containsKey(field)) {
          kept.put(field, payload.get(field));
        }
      }
      String stripped = payloads.write(kept);
      String key = doc.getString("_id");
      chain = chain.chain(() -> timeline.replacePayload(key, stripped));
    }
    return chain;
  }
}
