package org.opencdp.activation.journey;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.opencdp.activation.campaign.Campaign;
import org.opencdp.activation.campaign.CampaignDefinition.Condition;
import org.opencdp.activation.campaign.CampaignDefinition.Step;
import org.opencdp.activation.campaign.CampaignService;
import org.opencdp.activation.config.ActivationConfig;
import org.opencdp.activation.delivery.DeliveryPlanner;
import org.opencdp.activation.profile.ProfileStore;
import org.opencdp.activation.profile.Snapshot;

/**
 * Runs journeys: steps execute in order until a WAIT parks the journey in PostgreSQL (the ticker
 * resumes it when due, on any instance, after any restart) or the steps end. A SEND step's
 * idempotency key is journey id + step index, so re-running a step after a crash sends nothing
 * twice. Campaigns made only of SEND steps run inline without a stored journey.
 */
@ApplicationScoped
public class JourneyEngine {
  private static final int MAX_STEPS_PER_RUN = 200;

  private final JourneyStore store;
  private final CampaignService campaigns;
  private final DeliveryPlanner planner;
  private final ProfileStore profiles;
  private final Clock clock;
  private final Duration profileWait;
  private final Duration profileWaitMax;
  private final int profileWaitAttempts;

  JourneyEngine(
      JourneyStore store,
      CampaignService campaigns,
      DeliveryPlanner planner,
      ProfileStore profiles,
      Clock clock,
      ActivationConfig config) {
    this.store = store;
    this.campaigns = campaigns;
    this.planner = planner;
    this.profiles = profiles;
    this.clock = clock;
    this.profileWait = config.profileWait();
    this.profileWaitMax = config.profileWaitMax();
    this.profileWaitAttempts = config.profileWaitAttempts();
  }

  /** Starts a campaign for a profile because of a trigger (a membership change, an event). */
  public void start(
      Campaign campaign, String profileId, String triggerKey, Map<String, Object> context) {
    List<Step> steps = campaign.definition().steps();
    if (campaign.definition().sendOnly()) {
      for (int i = 0; i < steps.size(); i++) {
        DeliveryPlanner.Planned planned =
            planner.send(
                campaign, steps.get(i), profileId, context, inlineKey(campaign, triggerKey, i));
        if (planned == DeliveryPlanner.Planned.NO_PROFILE) {
          // the profile snapshot has not arrived yet: continue as a stored journey
          Journey journey = journey(campaign, profileId, triggerKey, context);
          Instant now = clock.instant();
          if (store.start(journey, now)) {
            store.park(
                journey.id(),
                i,
                1,
                now.plus(profileWait(1)),
                JourneyStore.WAITING_FOR_PROFILE,
                now);
          }
          return;
        }
      }
      return;
    }
    Journey journey = journey(campaign, profileId, triggerKey, context);
    if (store.start(journey, clock.instant())) {
      advance(campaign, journey);
    }
  }

  /** The SEND steps of a campaign made only of them, for the batched path (no stored journey). */
  public List<DeliveryPlanner.Request> inlineRequests(
      Campaign campaign, String profileId, String triggerKey, Map<String, Object> context) {
    List<Step> steps = campaign.definition().steps();
    List<DeliveryPlanner.Request> out = new java.util.ArrayList<>(steps.size());
    for (int i = 0; i < steps.size(); i++) {
      out.add(
          new DeliveryPlanner.Request(
              campaign, steps.get(i), profileId, context, inlineKey(campaign, triggerKey, i)));
    }
    return out;
  }

  private static String inlineKey(Campaign campaign, String triggerKey, int step) {
    return campaign.id() + ":" + triggerKey + ":" + step;
  }

  /** Continues a journey the ticker claimed. */
  public void resume(Journey journey) {
    Optional<Campaign> campaign = campaigns.activeById(journey.workspaceId(), journey.campaignId());
    if (campaign.isEmpty()) {
      store.finish(journey.id(), "CANCELLED", "campaign inactive or deleted", clock.instant());
      return;
    }
    advance(campaign.get(), journey);
  }

  /** First snapshots of profiles arrived: journeys waiting for them go on at the next tick. */
  public void profilesArrived(List<ProfileStore.ProfileKey> profiles) {
    store.wakeWaitingForProfiles(profiles, clock.instant());
  }

  /** Cancels the running journey of the profile (an exit event arrived). */
  public int cancel(Campaign campaign, String profileId, String reason) {
    return store.cancel(campaign.workspaceId(), campaign.id(), profileId, reason, clock.instant());
  }

  private void advance(Campaign campaign, Journey journey) {
    List<Step> steps = campaign.definition().steps();
    int i = journey.step();
    int runs = 0;
    while (i >= 0 && i < steps.size() && runs++ < MAX_STEPS_PER_RUN) {
      Step step = steps.get(i);
      Instant now = clock.instant();
      switch (step.type()) {
        case WAIT -> {
          int after = step.next() == null ? i + 1 : step.next();
          store.park(journey.id(), after, 0, now.plus(step.duration()), "waiting", now);
          return;
        }
        case BRANCH -> {
          Integer target =
              holds(campaign, journey.profileId(), step.condition())
                  ? step.ifTrue()
                  : step.ifFalse();
          i = target == null ? i + 1 : target;
        }
        case SEND -> {
          DeliveryPlanner.Planned planned =
              planner.send(
                  campaign, step, journey.profileId(), journey.context(), journey.id() + ":" + i);
          if (planned == DeliveryPlanner.Planned.NO_PROFILE) {
            if (journey.waits() < profileWaitAttempts) {
              int waits = journey.waits() + 1;
              store.park(
                  journey.id(),
                  i,
                  waits,
                  now.plus(profileWait(waits)),
                  JourneyStore.WAITING_FOR_PROFILE,
                  now);
              return;
            }
            // never silently: the step ends SKIPPED in the delivery log and on cdp.deliveries
            planner.skipWithoutProfile(campaign, step, journey.profileId(), journey.id() + ":" + i);
          }
          i = step.next() == null ? i + 1 : step.next();
        }
      }
    }
    store.finish(journey.id(), "DONE", null, clock.instant());
  }

  /** The n-th wait for a profile snapshot: {@code profileWait} doubling, capped. */
  Duration profileWait(int n) {
    Duration wait = profileWait.multipliedBy(1L << Math.min(n - 1, 20));
    return wait.compareTo(profileWaitMax) > 0 ? profileWaitMax : wait;
  }

  private boolean holds(Campaign campaign, String profileId, Condition condition) {
    if (condition.segmentId() != null) {
      return profiles.isMember(campaign.workspaceId(), profileId, condition.segmentId());
    }
    Optional<Snapshot> snapshot = profiles.find(campaign.workspaceId(), profileId);
    if (snapshot.isEmpty()) {
      return false;
    }
    Object value = snapshot.get().traits().get(condition.trait());
    if (condition.equals() == null) {
      return value != null;
    }
    return value != null
        && Objects.equals(String.valueOf(value), String.valueOf(condition.equals()));
  }

  private static Journey journey(
      Campaign campaign, String profileId, String triggerKey, Map<String, Object> context) {
    return new Journey(
        UUID.randomUUID().toString(),
        campaign.workspaceId(),
        campaign.id(),
        profileId,
        triggerKey,
        0,
        0,
        context);
  }
}
