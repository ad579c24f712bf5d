package org.opencdp.activation.journey;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.opencdp.activation.campaign.Campaign;
import org.opencdp.activation.campaign.CampaignDefinition;
import org.opencdp.activation.campaign.CampaignDefinition.TriggerType;
import org.opencdp.activation.campaign.CampaignService;
import org.opencdp.activation.config.ActivationConfig;
import org.opencdp.activation.delivery.DeliveryPlanner;
import org.opencdp.activation.profile.ProfileStore;
import org.opencdp.activation.profile.SnapshotChange;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.SegmentMembershipChanged;

/** Turns incoming messages into journey starts and cancellations. */
@ApplicationScoped
public class TriggerService {
  private final CampaignService campaigns;
  private final JourneyEngine engine;
  private final ProfileStore profiles;
  private final DeliveryPlanner planner;
  private final Clock clock;
  private final ExecutorService journeyStarts;
  // recomputed when the campaign cache hands out another list
  private final Map<String, EventNames> eventNames = new ConcurrentHashMap<>();

  TriggerService(
      CampaignService campaigns,
      JourneyEngine engine,
      ProfileStore profiles,
      DeliveryPlanner planner,
      Clock clock,
      ActivationConfig config) {
    this.planner = planner;
    this.clock = clock;
    AtomicInteger n = new AtomicInteger();
    this.journeyStarts =
        Executors.newFixedThreadPool(
            config.consumerParallelism(),
            r -> {
              Thread t = new Thread(r, "journey-start-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.campaigns = campaigns;
    this.engine = engine;
    this.profiles = profiles;
  }

  /** Profile snapshots of a poll (the newest of each profile is kept). */
  public void onProfiles(List<SnapshotChange> changes) {
    List<ProfileStore.ProfileKey> first = profiles.applySnapshots(changes);
    if (!first.isEmpty()) {
      engine.profilesArrived(first);
    }
  }

  /**
   * Membership changes of one Kafka poll, at most one per profile (the caller keeps a profile's
   * changes in order across calls). Campaigns made only of SEND steps are planned together: one
   * alias lookup, one membership write, one consent read and one delivery insert for the batch.
   */
  public void onMemberships(List<SegmentMembershipChanged> messages) {
    Map<ProfileStore.ProfileKey, String> survivors =
        profiles.survivors(
            messages.stream()
                .map(m -> new ProfileStore.ProfileKey(m.workspaceId(), m.profileId()))
                .toList());
    List<SegmentMembershipChanged> changes =
        messages.stream()
            .map(
                m ->
                    withProfile(
                        m,
                        survivors.getOrDefault(
                            new ProfileStore.ProfileKey(m.workspaceId(), m.profileId()),
                            m.profileId())))
            .toList();
    profiles.applyAll(changes);
    Map<DeliveryPlanner.Request, Start> inline = new IdentityHashMap<>();
    List<Start> journeys = new ArrayList<>();
    for (SegmentMembershipChanged change : changes) {
      TriggerType type =
          change.kind() == SegmentMembershipChanged.Kind.ENTERED
              ? TriggerType.SEGMENT_ENTERED
              : TriggerType.SEGMENT_EXITED;
      for (Campaign campaign : campaigns.active(change.workspaceId())) {
        CampaignDefinition.Trigger trigger = campaign.definition().trigger();
        if (trigger.type() == type && change.segmentId().equals(trigger.segmentId())) {
          Start start =
              new Start(campaign, change.profileId(), "m:" + change.changeId(), context(change));
          if (campaign.definition().sendOnly()) {
            engine
                .inlineRequests(campaign, start.profileId(), start.triggerKey(), start.context())
                .forEach(r -> inline.put(r, start));
          } else {
            journeys.add(start);
          }
        }
      }
    }
    // no profile snapshot yet: those continue as stored journeys that wait for it
    Set<Start> waiting = Collections.newSetFromMap(new IdentityHashMap<>());
    for (DeliveryPlanner.Request r : planner.sendAll(List.copyOf(inline.keySet()))) {
      waiting.add(inline.get(r));
    }
    journeys.addAll(waiting);
    startAll(journeys);
  }

  /** Starts stored journeys in parallel: each is another profile (one per key in a round). */
  private void startAll(List<Start> starts) {
    if (starts.size() == 1) {
      Start s = starts.get(0);
      engine.start(s.campaign(), s.profileId(), s.triggerKey(), s.context());
      return;
    }
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (Start s : starts) {
      all.add(
          CompletableFuture.runAsync(
              () -> engine.start(s.campaign(), s.profileId(), s.triggerKey(), s.context()),
              journeyStarts));
    }
    try {
      CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  @PreDestroy
  void close() {
    journeyStarts.shutdownNow();
  }

  private record Start(
      Campaign campaign, String profileId, String triggerKey, Map<String, Object> context) {}

  private static Map<String, Object> context(SegmentMembershipChanged change) {
    Map<String, Object> segment = new LinkedHashMap<>();
    segment.put("id", change.segmentId());
    if (change.segmentName() != null) {
      segment.put("name", change.segmentName());
    }
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("membership", change.kind().name());
    context.put("segment", segment);
    return context;
  }

  /**
   * Whether an event of this name can start or end anything: an active campaign of the workspace
   * has it as trigger or exit event. Answered from the cached campaigns without reading the event
   * in full (most events concern no campaign).
   */
  public boolean names(String workspaceId, String eventName) {
    List<Campaign> active = campaigns.active(workspaceId);
    EventNames names = eventNames.get(workspaceId);
    if (names == null || names.campaigns() != active) {
      names = EventNames.of(active);
      eventNames.put(workspaceId, names);
    }
    return names.names().contains(eventName);
  }

  public void onEvent(EventEnvelope event) {
    if (event.profileId() == null || event.event() == null) {
      return;
    }
    List<Campaign> concerned =
        campaigns.active(event.workspaceId()).stream()
            .filter(c -> concerns(c.definition(), event.event()))
            .toList();
    if (concerned.isEmpty()) {
      // most events start and end nothing: no database round trip for them
      return;
    }
    String profileId = profiles.resolve(event.workspaceId(), event.profileId());
    for (Campaign campaign : concerned) {
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

  /** The trigger and exit event names of one (cached) list of active campaigns. */
  private record EventNames(List<Campaign> campaigns, Set<String> names) {
    static EventNames of(List<Campaign> campaigns) {
      Set<String> names = new HashSet<>();
      for (Campaign campaign : campaigns) {
        CampaignDefinition definition = campaign.definition();
        if (definition.exitOn() != null) {
          names.addAll(definition.exitOn());
        }
        if (definition.trigger().type() == TriggerType.EVENT
            && definition.trigger().event() != null) {
          names.add(definition.trigger().event());
        }
      }
      return new EventNames(campaigns, names);
    }
  }

  /** Whether an event of this name can end or start the campaign. */
  private static boolean concerns(CampaignDefinition definition, String eventName) {
    return (definition.exitOn() != null && definition.exitOn().contains(eventName))
        || (definition.trigger().type() == TriggerType.EVENT
            && eventName.equals(definition.trigger().event()));
  }

  /** The message with the survivor's id when its profile was merged into another. */
  private static SegmentMembershipChanged withProfile(
      SegmentMembershipChanged c, String profileId) {
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
