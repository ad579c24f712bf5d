package org.opencdp.identity.rest;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.opencdp.identity.service.resolution.BlockedPattern;
import org.opencdp.identity.service.resolution.DefaultRules;
import org.opencdp.identity.service.resolution.RuleService;
import org.opencdp.identity.service.resolution.RuleSet;
import org.opencdp.identity.service.resolution.TypeRule;
import org.opencdp.identity.store.AuditEntity;
import org.opencdp.identity.store.AuditRepository;
import org.opencdp.security.CurrentWorkspace;
import org.opencdp.security.problem.ProblemException;

/** A workspace's identity resolution rules. */
@Path("/v1/workspaces/{workspaceId}/identity-rules")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Resolution rules")
public class RulesResource {
  private final RuleService rules;
  private final AuditRepository audit;
  private final CurrentWorkspace caller;

  public RulesResource(RuleService rules, AuditRepository audit, CurrentWorkspace caller) {
    this.rules = rules;
    this.audit = audit;
    this.caller = caller;
  }

  @GET
  @Operation(summary = "The rules in force (the defaults when the workspace stored none)")
  public Uni<ApiDocuments.RulesDocument> get(@PathParam("workspaceId") String workspaceId) {
    return Panache.withSession(() -> rules.load(workspaceId)).map(RulesResource::document);
  }

  @PUT
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Replace the rules (identifier types, limits, blocked values)")
  public Uni<ApiDocuments.RulesDocument> replace(
      @PathParam("workspaceId") String workspaceId, ApiDocuments.RulesDocument body) {
    if (body == null || body.identifierTypes() == null) {
      throw ProblemException.badRequest("body must list identifierTypes");
    }
    List<TypeRule> types = new ArrayList<>();
    for (ApiDocuments.TypeRuleDocument type : body.identifierTypes()) {
      if (type == null || type.priority() == null || type.limit() == null) {
        throw ProblemException.badRequest("every identifier type needs type, priority and limit");
      }
      types.add(new TypeRule(type.type(), type.priority(), type.limit(), type.traitKey()));
    }
    List<BlockedPattern> blocked = new ArrayList<>();
    if (body.blockedValues() != null) {
      for (ApiDocuments.BlockedValueDocument value : body.blockedValues()) {
        if (value == null) {
          throw ProblemException.badRequest("blockedValues entries need a pattern");
        }
        blocked.add(RuleService.compile(value.type(), value.pattern()));
      }
    }
    int defaultPriority =
        body.defaultPriority() == null ? DefaultRules.DEFAULT_PRIORITY : body.defaultPriority();
    int defaultLimit =
        body.defaultLimit() == null ? DefaultRules.DEFAULT_LIMIT : body.defaultLimit();
    String actor = caller.actor();
    return Panache.withTransaction(
            () ->
                rules
                    .replace(workspaceId, types, defaultPriority, defaultLimit, blocked)
                    .call(() -> audit(workspaceId, "RULES_REPLACED", actor)))
        .map(RulesResource::document);
  }

  @DELETE
  @Operation(summary = "Remove the workspace's rules: the defaults apply again")
  public Uni<ApiDocuments.RulesDocument> reset(@PathParam("workspaceId") String workspaceId) {
    String actor = caller.actor();
    return Panache.withTransaction(
            () -> rules.reset(workspaceId).call(() -> audit(workspaceId, "RULES_RESET", actor)))
        .map(RulesResource::document);
  }

  private Uni<Void> audit(String workspaceId, String action, String actor) {
    AuditEntity entry = new AuditEntity();
    entry.workspaceId = workspaceId;
    entry.action = action;
    entry.actor = actor;
    entry.target = "identity-rules";
    entry.occurredAt = Instant.now();
    return audit.persist(entry).replaceWithVoid();
  }

  static ApiDocuments.RulesDocument document(RuleSet rules) {
    return new ApiDocuments.RulesDocument(
        rules.types().values().stream()
            .map(
                type ->
                    new ApiDocuments.TypeRuleDocument(
                        type.type(), type.priority(), type.limit(), type.traitKey()))
            .toList(),
        rules.defaultPriority(),
        rules.defaultLimit(),
        rules.blocked().stream()
            .map(pattern -> new ApiDocuments.BlockedValueDocument(pattern.regex(), pattern.type()))
            .toList(),
        rules.custom());
  }
}
