package org.opencdp.profile.profile;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.opencdp.contracts.SegmentMembershipChanged;
import org.opencdp.profile.messaging.PoisonMessage;

/**
 * Keeps the segments view of profiles from {@code cdp.segments.membership}: the history of every
 * change, and on the profile document the current standing per segment (with entered-at).
 *
 * <p>Merged ids: an ENTERED addressed to a merged id follows the redirect (the person did enter);
 * an EXITED addressed to a merged id only goes into the history, because the segment-service exits
 * every segment of a merged profile ("merged into ...") and that says nothing about the survivor,
 * which took the merged profile's segments at merge time and is evaluated on its own.
 */
@ApplicationScoped
public class ProfileSegments {
  private static final int MAX_REDIRECTS = 8;

  private final ProfileWriter writer;
  private final SegmentStore history;
  private final ErasureTombstones tombstones;

  ProfileSegments(ProfileWriter writer, SegmentStore history, ErasureTombstones tombstones) {
    this.writer = writer;
    this.history = history;
    this.tombstones = tombstones;
  }

  public Uni<Void> apply(SegmentMembershipChanged change) {
    if (blank(change.workspaceId())
        || blank(change.changeId())
        || blank(change.profileId())
        || blank(change.segmentId())
        || change.kind() == null
        || change.occurredAt() == null) {
      throw new PoisonMessage("membership change without workspace, ids, kind or time");
    }
    boolean entered = change.kind() == SegmentMembershipChanged.Kind.ENTERED;
    SegmentMembership standing =
        new SegmentMembership(
            change.segmentId(),
            change.segmentName(),
            change.segmentVersion(),
            entered,
            entered ? change.occurredAt() : null,
            change.occurredAt());
    return tombstones
        .isErased(change.workspaceId(), change.profileId())
        .chain(
            erased ->
                erased
                    ? Uni.createFrom().voidItem()
                    : history
                        .record(change)
                        .chain(() -> applyTo(change.workspaceId(), change.profileId(), standing, 0))
                        .replaceWithVoid());
  }

  private Uni<Profile> applyTo(String ws, String profileId, SegmentMembership standing, int hops) {
    return writer
        .mutate(
            ws,
            profileId,
            p -> {
              if (!p.exists()) {
                return Uni.createFrom().item(false); // never create a profile from a membership
              }
              if (p.status == Profile.Status.MERGED) {
                if (!standing.member()) {
                  return Uni.createFrom().item(false);
                }
                throw new ProfileEvents.Redirect(p.mergedInto);
              }
              return Uni.createFrom().item(p.applySegmentChange(standing));
            })
        .onFailure(ProfileEvents.Redirect.class)
        .recoverWithUni(
            failure ->
                hops >= MAX_REDIRECTS
                    ? Uni.createFrom().failure(new PoisonMessage("merge redirect loop"))
                    : applyTo(
                        ws, ((ProfileEvents.Redirect) failure).survivorId, standing, hops + 1));
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
