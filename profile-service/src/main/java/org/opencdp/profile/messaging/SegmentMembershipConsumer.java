package org.opencdp.profile.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.opencdp.contracts.SegmentMembershipChanged;
import org.opencdp.profile.config.ProfileConfig;
import org.opencdp.profile.profile.ProfileSegments;

/** Consumes {@code cdp.segments.membership} into the profiles' segments view. */
@ApplicationScoped
public class SegmentMembershipConsumer {
  private final ProfileSegments segments;
  private final ObjectMapper json;
  private final int maxRetries;

  SegmentMembershipConsumer(ProfileSegments segments, ObjectMapper json, ProfileConfig config) {
    this.segments = segments;
    this.json = json;
    this.maxRetries = config.consumer().maxRetries();
  }

  @Incoming(Channels.SEGMENTS_MEMBERSHIP)
  public Uni<Void> consume(String payload) {
    return Retries.transient_(
        Uni.createFrom().deferred(() -> segments.apply(parse(payload))), maxRetries);
  }

  private SegmentMembershipChanged parse(String payload) {
    SegmentMembershipChanged change;
    try {
      change = json.readValue(payload, SegmentMembershipChanged.class);
    } catch (Exception e) {
      throw new PoisonMessage("unreadable segment membership JSON");
    }
    if (change == null) {
      throw new PoisonMessage("empty segment membership message");
    }
    return change;
  }
}
