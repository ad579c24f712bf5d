package org.opencdp.activation.delivery;

import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opencdp.activation.campaign.Campaign;
import org.opencdp.activation.campaign.CampaignDefinition;
import org.opencdp.activation.campaign.CampaignDefinition.Step;
import org.opencdp.activation.config.ActivationConfig;
import org.opencdp.activation.destination.Destination;
import org.opencdp.activation.destination.DestinationService;
import org.opencdp.activation.destination.DestinationType;
import org.opencdp.activation.profile.ProfileStore;
import org.opencdp.activation.profile.Snapshot;
import org.opencdp.contracts.DeliveryResult;

/**
 * A SEND step for one profile: consent gate, recipient, template, tracked links, frequency cap and
 * quiet hours, then one delivery row per idempotency key (a repeated trigger or a re-run step finds
 * the row and sends nothing) handed to the destination's worker.
 */
@ApplicationScoped
public class DeliveryPlanner {
  public enum Planned {
    QUEUED,
    SCHEDULED,
    SKIPPED,
    DUPLICATE,
    /** No profile snapshot yet: consent is unknown, try again later. */
    NO_PROFILE
  }

  /** A rendered preview of one SEND step. */
  public record Preview(
      int step, String destinationId, String subject, String body, String missing) {}

  private static final Pattern HREF = Pattern.compile("href=\"(https?://[^\"\\s]{1,2000})\"");
  private static final Pattern URL = Pattern.compile("https?://[^\\s\"'<>]{1,2000}");

  private final DestinationService destinations;
  private final ProfileStore profiles;
  private final DeliveryStore store;
  private final Dispatcher dispatcher;
  private final TemplateRenderer renderer;
  private final FrequencyCaps caps;
  private final QuietHours quietHours;
  private final ResultPublisher results;
  private final Clock clock;
  private final String baseUrl;

  DeliveryPlanner(
      DestinationService destinations,
      ProfileStore profiles,
      DeliveryStore store,
      Dispatcher dispatcher,
      TemplateRenderer renderer,
      FrequencyCaps caps,
      QuietHours quietHours,
      ResultPublisher results,
      Clock clock,
      ActivationConfig config) {
    this.destinations = destinations;
    this.profiles = profiles;
    this.store = store;
    this.dispatcher = dispatcher;
    this.renderer = renderer;
    this.caps = caps;
    this.quietHours = quietHours;
    this.results = results;
    this.clock = clock;
    this.baseUrl = config.publicBaseUrl();
  }

  /** One SEND step to carry out for one profile. */
  public record Request(
      Campaign campaign,
      Step step,
      String profileId,
      Map<String, Object> context,
      String idempotencyKey) {}

  /** What {@link #prepare} decided: a row to create (or none without a profile snapshot). */
  private record Plan(Planned planned, DeliveryStore.NewRow row, String skipReason) {}

  public Planned send(
      Campaign campaign,
      Step step,
      String profileId,
      Map<String, Object> context,
      String idempotencyKey) {
    Request request = new Request(campaign, step, profileId, context, idempotencyKey);
    Optional<ProfileStore.Gate> gate =
        profiles.gate(campaign.workspaceId(), profileId, campaign.definition().consentCategory());
    Plan plan = prepare(request, gate);
    if (plan.row() == null) {
      return plan.planned();
    }
    return record(plan);
  }

  /**
   * Ends a SEND step whose profile snapshot never arrived: a SKIPPED row in the delivery log and a
   * SKIPPED result on {@code cdp.deliveries}, so the step is accounted for.
   */
  public Planned skipWithoutProfile(
      Campaign campaign, Step step, String profileId, String idempotencyKey) {
    DestinationType type =
        destinations
            .find(campaign.workspaceId(), step.destinationId())
            .map(Destination::type)
            .orElse(DestinationType.WEBHOOK);
    return record(
        skip(
            campaign,
            step.destinationId(),
            type,
            profileId,
            idempotencyKey,
            UUID.randomUUID().toString(),
            "profile snapshot never arrived"));
  }

  private Planned record(Plan plan) {
    DeliveryStore.NewRow row = plan.row();
    if (!store.insert(
        row.delivery(), row.status(), row.nextAttemptAt(), row.detail(), clock.instant())) {
      return Planned.DUPLICATE;
    }
    return after(plan);
  }

  /**
   * Carries out many SEND steps with one consent query and one insert for all of them (the
   * throughput path of a Kafka poll). Returns the requests whose profile snapshot is missing, for
   * the caller to continue as stored journeys.
   */
  public List<Request> sendAll(List<Request> requests) {
    if (requests.isEmpty()) {
      return List.of();
    }
    Map<ProfileStore.GateKey, ProfileStore.Gate> gates =
        profiles.gates(
            requests.stream()
                .map(
                    r ->
                        new ProfileStore.GateKey(
                            r.campaign().workspaceId(),
                            r.profileId(),
                            r.campaign().definition().consentCategory()))
                .toList());
    List<Request> withoutProfile = new ArrayList<>();
    List<Plan> plans = new ArrayList<>();
    for (Request r : requests) {
      Plan plan =
          prepare(
              r,
              Optional.ofNullable(
                  gates.get(
                      new ProfileStore.GateKey(
                          r.campaign().workspaceId(),
                          r.profileId(),
                          r.campaign().definition().consentCategory()))));
      if (plan.planned() == Planned.NO_PROFILE) {
        withoutProfile.add(r);
      } else {
        plans.add(plan);
      }
    }
    if (!plans.isEmpty()) {
      Set<String> created =
          store.insertAll(plans.stream().map(Plan::row).toList(), clock.instant());
      for (Plan plan : plans) {
        if (created.contains(plan.row().delivery().id())) {
          after(plan);
        }
      }
    }
    return withoutProfile;
  }

  /** After the row was created: queue it, or publish why it was skipped. */
  private Planned after(Plan plan) {
    Delivery d = plan.row().delivery();
    if (plan.planned() == Planned.SKIPPED) {
      Log.debugf("delivery %s skipped: %s", d.id(), plan.skipReason());
      results.publish(d, DeliveryResult.Status.SKIPPED, plan.skipReason(), null);
    } else if (plan.planned() == Planned.QUEUED) {
      dispatcher.submit(d);
    }
    return plan.planned();
  }

  private Plan prepare(Request request, Optional<ProfileStore.Gate> gate) {
    Campaign campaign = request.campaign();
    Step step = request.step();
    String profileId = request.profileId();
    Map<String, Object> context = request.context();
    String idempotencyKey = request.idempotencyKey();
    CampaignDefinition definition = campaign.definition();
    String category = definition.consentCategory();
    Optional<Destination> found = destinations.find(campaign.workspaceId(), step.destinationId());
    String deliveryId = UUID.randomUUID().toString();
    if (found.isEmpty()) {
      return skip(
          campaign,
          step.destinationId(),
          DestinationType.WEBHOOK,
          profileId,
          idempotencyKey,
          deliveryId,
          "destination missing");
    }
    Destination destination = found.get();
    DestinationType type = destination.type();
    if (gate.isEmpty()) {
      return new Plan(Planned.NO_PROFILE, null, null);
    }
    Snapshot snapshot = gate.get().snapshot();
    boolean remove = type == DestinationType.AUDIENCE && "EXITED".equals(context.get("membership"));
    // leaving an audience is always allowed: it is what a refusal of consent asks for
    if (!remove && !gate.get().consented(category)) {
      return skip(
          campaign,
          destination.id(),
          type,
          profileId,
          idempotencyKey,
          deliveryId,
          "no consent for " + category);
    }
    String to;
    switch (type) {
      case EMAIL -> to = snapshot.contact("email", "email");
      case SMS -> to = snapshot.contact("phone", "phone");
      case AUDIENCE -> {
        String email = snapshot.contact("email", "email");
        to = email == null ? null : sha256(email.trim().toLowerCase(Locale.ROOT));
      }
      default -> to = profileId;
    }
    if (to == null) {
      return skip(
          campaign,
          destination.id(),
          type,
          profileId,
          idempotencyKey,
          deliveryId,
          type == DestinationType.SMS ? "no phone number" : "no email address");
    }
    Message message;
    try {
      message = render(campaign, step, destination, snapshot, context, deliveryId, to, remove);
    } catch (TemplateRenderer.MissingValue missing) {
      return skip(
          campaign,
          destination.id(),
          type,
          profileId,
          idempotencyKey,
          deliveryId,
          "template value missing: " + missing.getMessage());
    }
    Instant now = clock.instant();
    if (type.personal()
        && !caps.tryAcquire(
            campaign.workspaceId(),
            profileId,
            type.channel(),
            destination.map("frequencyCap"),
            now)) {
      return skip(
          campaign, destination.id(), type, profileId, idempotencyKey, deliveryId, "frequency cap");
    }
    Instant at =
        type.personal() && definition.respectsQuietHours()
            ? quietHours.nextAllowed(now, snapshot.traits())
            : now;
    boolean deferred = at.isAfter(now);
    Delivery delivery =
        new Delivery(
            deliveryId,
            campaign.workspaceId(),
            campaign.id(),
            destination.id(),
            profileId,
            type,
            category,
            idempotencyKey,
            0,
            message,
            deferred ? null : dispatcher.newLease());
    return new Plan(
        deferred ? Planned.SCHEDULED : Planned.QUEUED,
        new DeliveryStore.NewRow(
            delivery, deferred ? "SCHEDULED" : "INFLIGHT", at, deferred ? "quiet hours" : null),
        null);
  }

  /** Renders every SEND step of a campaign for a profile, without sending anything. */
  public List<Preview> preview(Campaign campaign, Snapshot snapshot, Map<String, Object> context) {
    List<Preview> out = new ArrayList<>();
    List<Step> steps = campaign.definition().steps();
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      if (step.type() != CampaignDefinition.StepType.SEND) {
        continue;
      }
      Map<String, Object> data = data(campaign, snapshot, context, "preview");
      try {
        out.add(
            new Preview(
                i,
                step.destinationId(),
                renderer.render(step.subject(), data, false),
                renderer.render(step.template(), data, false),
                null));
      } catch (TemplateRenderer.MissingValue missing) {
        out.add(new Preview(i, step.destinationId(), null, null, missing.getMessage()));
      }
    }
    return out;
  }

  private Message render(
      Campaign campaign,
      Step step,
      Destination destination,
      Snapshot snapshot,
      Map<String, Object> context,
      String deliveryId,
      String to,
      boolean remove)
      throws TemplateRenderer.MissingValue {
    Map<String, Object> data = data(campaign, snapshot, context, deliveryId);
    String unsubscribe = (String) data.get("unsubscribeUrl");
    switch (destination.type()) {
      case EMAIL -> {
        String subject = renderer.render(step.subject(), data, false);
        String body = renderer.render(step.template(), data, true);
        List<String> links = new ArrayList<>();
        body = track(HREF, body == null ? "" : body, deliveryId, links, true);
        body +=
            "<img src=\""
                + baseUrl
                + "/t/o/"
                + deliveryId
                + "\" width=\"1\" height=\"1\" alt=\"\">";
        return new Message(to, subject, body, null, null, links, unsubscribe);
      }
      case SMS -> {
        List<String> links = new ArrayList<>();
        String body =
            track(URL, renderer.render(step.template(), data, false), deliveryId, links, false);
        return new Message(to, null, body, null, null, links, unsubscribe);
      }
      case AUDIENCE -> {
        return new Message(to, null, null, null, remove ? "remove" : "add", null, null);
      }
      default -> {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("deliveryId", deliveryId);
        document.put("workspaceId", campaign.workspaceId());
        document.put("campaignId", campaign.id());
        document.put("campaign", campaign.definition().name());
        document.put("profileId", snapshot.profileId());
        document.put("trigger", context);
        document.put("traits", snapshot.traits());
        document.put("message", renderer.render(step.template(), data, false));
        document.put("sentAt", clock.instant().toString());
        return new Message(to, null, null, document, null, null, null);
      }
    }
  }

  private Map<String, Object> data(
      Campaign campaign, Snapshot snapshot, Map<String, Object> context, String deliveryId) {
    Map<String, Object> traits = new LinkedHashMap<>();
    if (campaign.definition().defaults() != null) {
      traits.putAll(campaign.definition().defaults());
    }
    snapshot
        .traits()
        .forEach(
            (k, v) -> {
              if (v != null && !(v instanceof String s && s.isBlank())) {
                traits.put(k, v);
              }
            });
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("traits", traits);
    data.put("profileId", snapshot.profileId());
    data.put("campaign", Map.of("id", campaign.id(), "name", campaign.definition().name()));
    if (context.get("event") != null) {
      data.put("event", context.get("event"));
    }
    if (context.get("segment") != null) {
      data.put("segment", context.get("segment"));
    }
    data.put("unsubscribeUrl", baseUrl + "/unsubscribe/" + deliveryId);
    return data;
  }

  /** Replaces each link with a redirect through this service; only these targets redirect. */
  private String track(
      Pattern pattern, String text, String deliveryId, List<String> links, boolean href) {
    if (text == null) {
      return null;
    }
    Matcher m = pattern.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String target = href ? m.group(1) : m.group();
      if (target.startsWith(baseUrl + "/unsubscribe/")) {
        m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
        continue;
      }
      links.add(target);
      String tracked = baseUrl + "/t/c/" + deliveryId + "/" + (links.size() - 1);
      m.appendReplacement(
          out, Matcher.quoteReplacement(href ? "href=\"" + tracked + "\"" : tracked));
    }
    m.appendTail(out);
    return out.toString();
  }

  private Plan skip(
      Campaign campaign,
      String destinationId,
      DestinationType type,
      String profileId,
      String idempotencyKey,
      String deliveryId,
      String reason) {
    Delivery d =
        new Delivery(
            deliveryId,
            campaign.workspaceId(),
            campaign.id(),
            destinationId,
            profileId,
            type,
            campaign.definition().consentCategory(),
            idempotencyKey,
            0,
            null,
            null);
    return new Plan(
        Planned.SKIPPED, new DeliveryStore.NewRow(d, "SKIPPED", clock.instant(), reason), reason);
  }

  static String sha256(String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
