package org.opencdp.identity.rest;

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
import org.opencdp.identity.service.graph.SplitService;
import org.opencdp.identity.store.SplitEntity;
import org.opencdp.security.CurrentWorkspace;

/** Operators' split decisions (made by detach and undo): review and lift. */
@Path("/v1/workspaces/{workspaceId}/splits")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Identity graph")
public class SplitResource {
  private final SplitService splits;
  private final CurrentWorkspace caller;

  public SplitResource(SplitService splits, CurrentWorkspace caller) {
    this.splits = splits;
    this.caller = caller;
  }

  @GET
  @Operation(
      summary = "Splits, newest first",
      description =
          "Profiles an operator separated (detach, undo): resolution never joins them again while"
              + " the split is in force (liftedAt null).")
  public Uni<List<ApiDocuments.SplitDocument>> list(
      @PathParam("workspaceId") String workspaceId,
      @QueryParam("limit") @DefaultValue("100") int limit) {
    return splits
        .latest(workspaceId, GraphResource.clamp(limit))
        .map(rows -> rows.stream().map(SplitResource::document).toList());
  }

  @POST
  @Path("/{splitId}/lift")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Lift a split",
      description =
          "Later events may join the two profiles again; nothing is re-linked now. Audited.")
  public Uni<ApiDocuments.SplitDocument> lift(
      @PathParam("workspaceId") String workspaceId,
      @PathParam("splitId") String splitId,
      ApiDocuments.LiftRequest request) {
    return splits
        .lift(workspaceId, splitId, request == null ? null : request.reason(), caller.actor())
        .map(SplitResource::document);
  }

  private static ApiDocuments.SplitDocument document(SplitEntity split) {
    return new ApiDocuments.SplitDocument(
        split.id,
        split.cause,
        split.profileA,
        split.profileB,
        split.originProfileA,
        split.originProfileB,
        split.identifierType,
        split.identifierValue,
        split.mergeId,
        split.changeId,
        split.reason,
        split.actor,
        split.createdAt,
        split.liftedAt,
        split.liftedBy,
        split.liftReason);
  }
}
