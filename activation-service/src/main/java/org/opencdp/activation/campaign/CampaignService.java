package org.opencdp.activation.campaign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.opencdp.activation.campaign.CampaignDefinition.Step;
import org.opencdp.activation.campaign.CampaignDefinition.StepType;
import org.opencdp.activation.campaign.CampaignDefinition.TriggerType;
import org.opencdp.activation.config.ActivationConfig;
import org.opencdp.activation.config.ConfigCache;
import org.opencdp.activation.delivery.TemplateRenderer;
import org.opencdp.activation.destination.DestinationService;
import org.opencdp.security.problem.ProblemException;

/** Campaign definitions: validated writes (REST) and a cached view for the trigger paths. */
@ApplicationScoped
public class CampaignService {
  /** What the API returns. */
  public record CampaignView(
      String id, CampaignDefinition definition, Instant createdAt, Instant updatedAt) {}

  private static final int MAX_STEPS = 50;

  private final CampaignRepository repository;
  private final DestinationService destinations;
  private final TemplateRenderer renderer;
  private final ObjectMapper json;
  private final Clock clock;
  private final ConfigCache<String, List<Campaign>> active;

  CampaignService(
      CampaignRepository repository,
      DestinationService destinations,
      TemplateRenderer renderer,
      ObjectMapper json,
      Clock clock,
      ActivationConfig config) {
    this.repository = repository;
    this.destinations = destinations;
    this.renderer = renderer;
    this.json = json;
    this.clock = clock;
    this.active = new ConfigCache<>(config.configCacheTtl());
  }

  public Uni<CampaignView> create(String workspaceId, CampaignDefinition definition) {
    validate(definition);
    return checkDestinations(workspaceId, definition)
        .chain(
            () -> {
              CampaignEntity entity = new CampaignEntity();
              entity.id = UUID.randomUUID().toString();
              entity.workspaceId = workspaceId;
              entity.createdAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
              apply(entity, definition);
              return Panache.withTransaction(() -> repository.persist(entity));
            })
        .invoke(() -> active.invalidate(workspaceId))
        .map(this::view);
  }

  public Uni<CampaignView> update(String workspaceId, String id, CampaignDefinition definition) {
    validate(definition);
    return checkDestinations(workspaceId, definition)
        .chain(
            () ->
                Panache.withTransaction(
                    () ->
                        repository
                            .byId(workspaceId, id)
                            .onItem()
                            .ifNull()
                            .failWith(() -> ProblemException.notFound("no campaign " + id))
                            .invoke(entity -> apply(entity, definition))))
        .invoke(() -> active.invalidate(workspaceId))
        .map(this::view);
  }

  public Uni<Void> delete(String workspaceId, String id) {
    return Panache.withTransaction(
            () -> repository.delete("workspaceId = ?1 and id = ?2", workspaceId, id))
        .invoke(
            count -> {
              if (count == 0) {
                throw ProblemException.notFound("no campaign " + id);
              }
              active.invalidate(workspaceId);
            })
        .replaceWithVoid();
  }

  public Uni<List<CampaignView>> list(String workspaceId) {
    return Panache.withSession(
        () ->
            repository.ofWorkspace(workspaceId).map(all -> all.stream().map(this::view).toList()));
  }

  public Uni<CampaignView> get(String workspaceId, String id) {
    return Panache.withSession(
        () ->
            repository
                .byId(workspaceId, id)
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("no campaign " + id))
                .map(this::view));
  }

  /** For worker threads: the active campaigns of a workspace, cached for the configured TTL. */
  public List<Campaign> active(String workspaceId) {
    return active.get(workspaceId, this::loadActive);
  }

  private List<Campaign> loadActive(String workspaceId) {
    try {
      List<CampaignEntity> entities =
          VertxContextSupport.subscribeAndAwait(
              () -> Panache.withSession(() -> repository.activeOf(workspaceId)));
      return entities.stream()
          .map(e -> new Campaign(e.id, e.workspaceId, read(e.definition)))
          .toList();
    } catch (Throwable e) {
      throw new IllegalStateException("campaign lookup failed", e);
    }
  }

  /** For worker threads: one campaign, active or not. */
  public Optional<Campaign> find(String workspaceId, String id) {
    try {
      CampaignEntity entity =
          VertxContextSupport.subscribeAndAwait(
              () -> Panache.withSession(() -> repository.byId(workspaceId, id)));
      return Optional.ofNullable(entity)
          .map(e -> new Campaign(e.id, e.workspaceId, read(e.definition)));
    } catch (Throwable e) {
      throw new IllegalStateException("campaign lookup failed", e);
    }
  }

  /** For worker threads: one active campaign. */
  public Optional<Campaign> activeById(String workspaceId, String id) {
    return active(workspaceId).stream().filter(c -> c.id().equals(id)).findFirst();
  }

  private Uni<Void> checkDestinations(String workspaceId, CampaignDefinition definition) {
    Set<String> ids = new HashSet<>();
    definition.steps().stream()
        .filter(s -> s.type() == StepType.SEND)
        .forEach(s -> ids.add(s.destinationId()));
    return Multi.createFrom()
        .iterable(ids)
        .onItem()
        .transformToUniAndConcatenate(
            id ->
                destinations
                    .exists(workspaceId, id)
                    .invoke(
                        found -> {
                          if (!found) {
                            throw ProblemException.badRequest(
                                "SEND step: no destination " + id + " in this workspace");
                          }
                        }))
        .collect()
        .asList()
        .replaceWithVoid();
  }

  private void validate(CampaignDefinition d) {
    if (d == null || d.name() == null || d.name().isBlank() || d.name().length() > 200) {
      throw ProblemException.badRequest("a campaign needs a name of at most 200 characters");
    }
    if (d.consentCategory() == null || !d.consentCategory().matches("[A-Za-z0-9_-]{1,128}")) {
      throw ProblemException.badRequest(
          "consentCategory is required (e.g. marketing): nothing is sent without consent");
    }
    if (d.trigger() == null || d.trigger().type() == null) {
      throw ProblemException.badRequest(
          "trigger.type must be SEGMENT_ENTERED, SEGMENT_EXITED or EVENT");
    }
    if (d.trigger().type() == TriggerType.EVENT) {
      if (d.trigger().event() == null || d.trigger().event().isBlank()) {
        throw ProblemException.badRequest("an EVENT trigger needs trigger.event");
      }
    } else if (d.trigger().segmentId() == null || d.trigger().segmentId().isBlank()) {
      throw ProblemException.badRequest("a segment trigger needs trigger.segmentId");
    }
    if (d.steps() == null || d.steps().isEmpty() || d.steps().size() > MAX_STEPS) {
      throw ProblemException.badRequest("steps: between 1 and " + MAX_STEPS + " steps");
    }
    for (int i = 0; i < d.steps().size(); i++) {
      Step step = d.steps().get(i);
      String where = "steps[" + i + "]";
      if (step == null || step.type() == null) {
        throw ProblemException.badRequest(where + ".type must be WAIT, BRANCH or SEND");
      }
      if (step.next() != null
          && (step.next() < -1 || step.next() >= d.steps().size() || step.next() == i)) {
        throw ProblemException.badRequest(where + ".next must be a step index, or -1 to end");
      }
      switch (step.type()) {
        case WAIT -> {
          if (step.duration() == null || step.duration().isNegative() || step.duration().isZero()) {
            throw ProblemException.badRequest(
                where + ".duration must be a positive ISO-8601 duration, e.g. PT1H");
          }
        }
        case BRANCH -> {
          if (step.condition() == null
              || (step.condition().trait() == null && step.condition().segmentId() == null)) {
            throw ProblemException.badRequest(where + ".condition needs a trait or a segmentId");
          }
          for (Integer target : new Integer[] {step.ifTrue(), step.ifFalse()}) {
            if (target != null && (target < -1 || target >= d.steps().size() || target == i)) {
              throw ProblemException.badRequest(
                  where + ": ifTrue/ifFalse must be a step index, or -1 to end");
            }
          }
        }
        case SEND -> {
          if (step.destinationId() == null) {
            throw ProblemException.badRequest(where + ".destinationId is required");
          }
          renderer.check(where + ".template", step.template());
          renderer.check(where + ".subject", step.subject());
        }
      }
    }
  }

  private void apply(CampaignEntity entity, CampaignDefinition definition) {
    entity.name = definition.name().trim();
    entity.active = definition.isActive();
    entity.definition = write(definition);
    entity.updatedAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  private CampaignView view(CampaignEntity entity) {
    return new CampaignView(entity.id, read(entity.definition), entity.createdAt, entity.updatedAt);
  }

  private CampaignDefinition read(String text) {
    try {
      return json.readValue(text, CampaignDefinition.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored campaign is not readable", e);
    }
  }

  private String write(CampaignDefinition definition) {
    try {
      return json.writeValueAsString(definition);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("campaign not writable", e);
    }
  }
}
