package org.opencdp.activation.journey;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.opencdp.activation.campaign.Campaign;
import org.opencdp.activation.campaign.CampaignDefinition;
import org.opencdp.activation.campaign.CampaignDefinition.TriggerType;
import org.opencdp.activation.campaign.CampaignService;
import org.opencdp.activation.profile.ProfileStore;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.SegmentMembershipChanged;

/** Turns incoming messages into journey starts and cancellations. */
@ApplicationScoped
public class TriggerService {
  private final CampaignService campaigns;
  private final JourneyEngine engine;
  private final ProfileStore profiles;
  private final Clock clock;

  TriggerService(
      CampaignService campaigns, JourneyEngine engine, ProfileStore profiles, Clock clock) {
    this.clock = clock;
    this.campaigns = campaigns;
    this.engine = engine;
    this.profiles = profiles;
  }

  public void onProfile(ProfileChanged change) {
    profiles.apply(change);
  }

  public void onMembership(SegmentMembershipChanged message) {
    SegmentMembershipChanged change = followMerge(message);
    profiles.apply(change);
    TriggerType type =
        change.kind() == SegmentMembershipChanged.Kind.ENTERED
            ? TriggerType.SEGMENT_ENTERED
            : TriggerType.SEGMENT_EXITED;
    for (Campaign campaign : campaigns.active(change.workspaceId())) {
      CampaignDefinition.Trigger trigger = campaign.definition().trigger();
      if (trigger.type() == type && change.segmentId().equals(trigger.segmentId())) {
        Map<String, Object> segment = new LinkedHashMap<>();
        segment.put("id", change.segmentId());
        if (change.segmentName() != null) {
          segment.put("name", change.segmentName());
        }
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("membership", change.kind().name());
        context.put("segment", segment);
        engine.start(campaign, change.profileId(), "m:" + change.changeId(), context);
      }
    }
  }

  public void onEvent(EventEnvelope event) {
    if (event.profileId() == null || event.event() == null) {
      return;
    }
    String profileId = profiles.resolve(event.workspaceId(), event.profileId());
    for (Campaign campaign : campaigns.active(event.workspaceId())) {
      CampaignDefinition definition = campaign.definition();
      if (definition.exitOn() != null && definition.exitOn().contains(event.event())) {
        // remembered for a journey that a later identity merge brings to this profile
        profiles.exited(event.workspaceId(), campaign.id(), profileId, clock.instant());
        engine.cancel(campaign, profileId, "exit event " + event.event());
      }
      CampaignDefinition.Trigger trigger = definition.trigger();
      if (trigger.type() == TriggerType.EVENT
          && event.event().equals(trigger.event())
          && matches(trigger.where(), event.properties())) {
        Map<String, Object> eventData = new LinkedHashMap<>();
        eventData.put("name", event.event());
        eventData.put("properties", event.properties() == null ? Map.of() : event.properties());
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("event", eventData);
        engine.start(campaign, profileId, "e:" + event.messageId(), context);
      }
    }
  }

  /** The message with the survivor's id when its profile was merged into another. */
  private SegmentMembershipChanged followMerge(SegmentMembershipChanged c) {
    String profileId = profiles.resolve(c.workspaceId(), c.profileId());
    if (profileId.equals(c.profileId())) {
      return c;
    }
    return new SegmentMembershipChanged(
        c.changeId(),
        c.workspaceId(),
        profileId,
        c.segmentId(),
        c.segmentName(),
        c.segmentVersion(),
        c.kind(),
        c.reason(),
        c.occurredAt());
  }

  static boolean matches(Map<String, Object> where, Map<String, Object> properties) {
    if (where == null || where.isEmpty()) {
      return true;
    }
    if (properties == null) {
      return false;
    }
    for (Map.Entry<String, Object> condition : where.entrySet()) {
      Object actual = properties.get(condition.getKey());
      if (actual == null
          || !Objects.equals(String.valueOf(actual), String.valueOf(condition.getValue()))) {
        return false;
      }
    }
    return true;
  }
}
