package org.opencdp.profile.profile;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.opencdp.profile.audit.AuditStore;
import org.opencdp.profile.profile.ProfileViews.AuditView;
import org.opencdp.profile.profile.ProfileViews.ConsentView;
import org.opencdp.profile.profile.ProfileViews.EventPage;
import org.opencdp.profile.profile.ProfileViews.EventView;
import org.opencdp.profile.profile.ProfileViews.TraitView;
import org.opencdp.profile.rest.MergedProfileRedirect;
import org.opencdp.profile.timeline.TimelineQuery;
import org.opencdp.profile.timeline.TimelineStore;
import org.opencdp.security.problem.ProblemException;

/** The read side of the Profile API; every query is scoped to the caller's workspace. */
@ApplicationScoped
public class ProfileQueries {
  private static final int MAX_REDIRECTS = 8;

  private final ProfileStore profiles;
  private final IdentifierStore identifiers;
  private final IdentifierExtractor extractor;
  private final TimelineStore timeline;
  private final AuditStore audit;
  private final ProfileDocuments documents;
  private final PayloadCodec payloads;
  private final SegmentStore segments;

  ProfileQueries(
      ProfileStore profiles,
      IdentifierStore identifiers,
      IdentifierExtractor extractor,
      TimelineStore timeline,
      AuditStore audit,
      ProfileDocuments documents,
      PayloadCodec payloads,
      SegmentStore segments) {
    this.segments = segments;
    this.profiles = profiles;
    this.identifiers = identifiers;
    this.extractor = extractor;
    this.timeline = timeline;
    this.audit = audit;
    this.documents = documents;
    this.payloads = payloads;
  }

  /**
   * A profile by id, or by identifier when {@code ref} is {@code type:value}. A merged id raises a
   * redirect to its survivor.
   */
  public Uni<Profile> resolve(String workspaceId, String ref) {
    int colon = ref.indexOf(':');
    if (colon < 0) {
      return follow(workspaceId, ref, 0)
          .invoke(
              p -> {
                if (!p.profileId().equals(ref)) {
                  throw new MergedProfileRedirect(ref, p.profileId());
                }
              });
    }
    String type = ref.substring(0, colon);
    String value = ref.substring(colon + 1);
    if (type.isBlank() || value.isBlank()) {
      throw ProblemException.badRequest(
          "An identifier reference is 'type:value', e.g. email:ana@example.com.");
    }
    KnownIdentifier known = extractor.known(workspaceId, type, value);
    return identifiers
        .profileIdFor(workspaceId, known.hash())
        .chain(
            profileId -> {
              if (profileId == null) {
                return Uni.createFrom()
                    .failure(ProblemException.notFound("No profile has this identifier."));
              }
              return follow(workspaceId, profileId, 0);
            });
  }

  private Uni<Profile> follow(String workspaceId, String profileId, int hops) {
    return profiles
        .loadForRead(workspaceId, profileId)
        .chain(
            p -> {
              if (!p.exists()) {
                return Uni.createFrom().failure(ProblemException.notFound("No such profile."));
              }
              if (p.status() == Profile.Status.MERGED
                  && p.mergedInto() != null
                  && hops < MAX_REDIRECTS) {
                return follow(workspaceId, p.mergedInto(), hops + 1);
              }
              return Uni.createFrom().item(p);
            });
  }

  public static Map<String, TraitView> traits(Profile p) {
    Map<String, TraitView> out = new LinkedHashMap<>();
    p.traits()
        .forEach((k, s) -> out.put(k, new TraitView(s.value(), s.source(), s.eventKey(), s.at())));
    return out;
  }

  public static Map<String, ConsentView> consent(Profile p) {
    Map<String, ConsentView> out = new LinkedHashMap<>();
    p.consent()
        .forEach(
            (k, s) ->
                out.put(
                    k,
                    new ConsentView(
                        Boolean.TRUE.equals(s.value()), s.source(), s.eventKey(), s.at())));
    return out;
  }

  public Uni<EventPage> events(Profile p, TimelineQuery query) {
    return timeline
        .page(p.workspaceId(), p.profileId(), query)
        .map(
            docs -> {
              List<EventView> items = new ArrayList<>();
              docs.forEach(d -> items.add(event(p.workspaceId(), d)));
              String next =
                  docs.size() == query.limit()
                      ? TimelineStore.cursorOf(docs.get(docs.size() - 1))
                      : null;
              return new EventPage(items, next);
            });
  }

  public Uni<List<EventView>> allEvents(Profile p, int limit) {
    return timeline
        .all(p.workspaceId(), p.profileId(), limit)
        .map(docs -> docs.stream().map(d -> event(p.workspaceId(), d)).toList());
  }

  public Uni<List<AuditView>> audit(Profile p, String field, int skip, int limit) {
    List<String> ids = new ArrayList<>();
    ids.add(p.profileId());
    ids.addAll(p.mergedFrom());
    return audit
        .forProfiles(p.workspaceId(), ids, field, skip, limit)
        .map(
            docs ->
                docs.stream()
                    .map(d -> documents.auditEntry(p.workspaceId(), d))
                    .map(
                        a ->
                            new AuditView(
                                a.field(),
                                a.oldValue(),
                                a.newValue(),
                                a.source(),
                                a.eventKey(),
                                a.eventTime(),
                                a.recordedAt()))
                    .toList());
  }

  /** Segment membership changes of the profile and the profiles merged into it, newest first. */
  public Uni<List<ProfileViews.SegmentChangeView>> segmentHistory(Profile p, int limit) {
    List<String> ids = new ArrayList<>();
    ids.add(p.profileId());
    ids.addAll(p.mergedFrom());
    return segments
        .forProfiles(p.workspaceId(), ids, limit)
        .map(
            docs ->
                docs.stream()
                    .map(
                        d ->
                            new ProfileViews.SegmentChangeView(
                                d.getString("segmentId"),
                                d.getString("segmentName"),
                                d.get("segmentVersion", Number.class).longValue(),
                                d.getString("kind"),
                                d.getString("reason"),
                                d.getDate("occurredAt").toInstant()))
                    .toList());
  }

  private EventView event(String workspaceId, Document d) {
    Map<String, Object> payload = payloads.reveal(workspaceId, d.getString("payload"));
    return new EventView(
        d.getString("_id"),
        (String) payload.get("messageId"),
        d.getString("type"),
        d.getString("name"),
        d.getDate("ts").toInstant(),
        payload);
  }
}
