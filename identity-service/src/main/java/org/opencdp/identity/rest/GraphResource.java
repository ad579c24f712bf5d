package org.opencdp.identity.rest;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.identity.service.graph.GraphService;
import org.opencdp.identity.service.graph.GraphViews;
import org.opencdp.identity.store.RejectionRepository;
import org.opencdp.security.CurrentWorkspace;
import org.opencdp.security.problem.ProblemException;

/** The identity graph of a workspace: lookups, history and manual corrections. */
@Path("/v1/workspaces/{workspaceId}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Identity graph")
public class GraphResource {
  private final GraphService graph;
  private final RejectionRepository rejections;
  private final CurrentWorkspace caller;

  public GraphResource(
      GraphService graph, RejectionRepository rejections, CurrentWorkspace caller) {
    this.graph = graph;
    this.rejections = rejections;
    this.caller = caller;
  }

  @GET
  @Path("/identifiers/{type}/{value}")
  @Operation(summary = "The profile an identifier belongs to")
  public Uni<GraphViews.IdentifierView> lookup(
      @PathParam("workspaceId") String workspaceId,
      @PathParam("type") String type,
      @PathParam("value") String value) {
    return graph.lookup(workspaceId, type, value);
  }

  @GET
  @Path("/profiles/{profileId}")
  @Operation(summary = "A profile's identity graph (its identifiers with provenance)")
  public Uni<GraphViews.ProfileGraph> profile(
      @PathParam("workspaceId") String workspaceId, @PathParam("profileId") String profileId) {
    return graph.graph(workspaceId, profileId);
  }

  @GET
  @Path("/profiles/{profileId}/merges")
  @Operation(summary = "Merges the profile took part in, newest first")
  public Uni<List<GraphViews.MergeView>> merges(
      @PathParam("workspaceId") String workspaceId, @PathParam("profileId") String profileId) {
    return graph.mergeHistory(workspaceId, profileId);
  }

  @POST
  @Path("/profiles/{profileId}/detach")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Detach an identifier into a profile of its own",
      description = "Publishes IDENTIFIER_DETACHED on cdp.identity.merges and audits the call.")
  public Uni<IdentityChange> detach(
      @PathParam("workspaceId") String workspaceId,
      @PathParam("profileId") String profileId,
      ApiDocuments.DetachRequest request) {
    if (request == null || isBlank(request.type()) || isBlank(request.value())) {
      throw ProblemException.badRequest("body must name the identifier: {\"type\", \"value\"}");
    }
    return graph.detach(
        workspaceId,
        profileId,
        new Identifier(request.type(), request.value()),
        request.reason(),
        caller.actor());
  }

  @GET
  @Path("/merges/{mergeId}")
  @Operation(summary = "One merge and the identifiers it moved")
  public Uni<GraphViews.MergeView> merge(
      @PathParam("workspaceId") String workspaceId, @PathParam("mergeId") String mergeId) {
    return graph.merge(workspaceId, mergeId);
  }

  @POST
  @Path("/merges/{mergeId}/undo")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Undo a merge",
      description =
          "The identifiers the merge moved go back to the merged profile. Publishes UNMERGED on"
              + " cdp.identity.merges and audits the call.")
  public Uni<IdentityChange> undo(
      @PathParam("workspaceId") String workspaceId,
      @PathParam("mergeId") String mergeId,
      ApiDocuments.UndoRequest request) {
    return graph.undoMerge(
        workspaceId, mergeId, request == null ? null : request.reason(), caller.actor());
  }

  @GET
  @Path("/rejections")
  @Operation(summary = "Latest rule decisions: identifiers that were not linked, and why")
  public Uni<List<ApiDocuments.RejectionDocument>> rejections(
      @PathParam("workspaceId") String workspaceId,
      @QueryParam("limit") @DefaultValue("100") int limit) {
    return Panache.withSession(
        () ->
            rejections
                .latest(workspaceId, clamp(limit))
                .map(
                    rows ->
                        rows.stream()
                            .map(
                                row ->
                                    new ApiDocuments.RejectionDocument(
                                        row.eventKey,
                                        row.type,
                                        row.value,
                                        row.rule,
                                        row.detail,
                                        row.profileId,
                                        row.occurredAt))
                            .toList()));
  }

  @GET
  @Path("/audit")
  @Operation(summary = "Audit trail of manual corrections and rule changes, newest first")
  public Uni<List<ApiDocuments.AuditDocument>> audit(
      @PathParam("workspaceId") String workspaceId,
      @QueryParam("limit") @DefaultValue("100") int limit) {
    return graph
        .auditTrail(workspaceId, clamp(limit))
        .map(
            rows ->
                rows.stream()
                    .map(
                        row ->
                            new ApiDocuments.AuditDocument(
                                row.action,
                                row.actor,
                                row.target,
                                row.reason,
                                row.changeId,
                                row.occurredAt))
                    .toList());
  }

  static int clamp(int limit) {
    if (limit < 1 || limit > 1000) {
      throw ProblemException.badRequest("limit must be between 1 and 1000");
    }
    return limit;
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
