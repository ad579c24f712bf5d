package org.opencdp.profile.profile;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.opencdp.profile.computed.ComputedTraitStore;

/** Re-evaluates a profile's computed traits at the current time (sliding windows). */
@ApplicationScoped
public class ProfileRefresher {
  private final ProfileWriter writer;
  private final ComputedTraitStore computedTraits;
  private final Clock clock;

  ProfileRefresher(ProfileWriter writer, ComputedTraitStore computedTraits, Clock clock) {
    this.writer = writer;
    this.computedTraits = computedTraits;
    this.clock = clock;
  }

  public Uni<Profile> refresh(String workspaceId, String profileId) {
    return computedTraits
        .forWorkspace(workspaceId)
        .chain(
            definitions ->
                writer.mutate(
                    workspaceId,
                    profileId,
                    p -> {
                      if (!p.exists() || p.status == Profile.Status.MERGED) {
                        return Uni.createFrom().item(false);
                      }
                      var before = p.nextExpiry;
                      boolean changed =
                          ProfileApplier.refreshComputed(p, definitions, clock.instant());
                      if (changed) {
                        p.outbox.causingEventKey = null;
                      }
                      // always write when the expiry moved, so the job does not pick it up again
                      return Uni.createFrom()
                          .item(changed || !java.util.Objects.equals(before, p.nextExpiry));
                    }));
  }
}
