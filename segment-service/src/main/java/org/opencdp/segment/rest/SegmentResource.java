package org.opencdp.segment.rest;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.opencdp.security.problem.ProblemException;
import org.opencdp.segment.definition.SegmentEntity;
import org.opencdp.segment.definition.SegmentService;
import org.opencdp.segment.evaluation.PreviewService;
import org.opencdp.segment.membership.MembershipCache;
import org.opencdp.segment.rest.ApiDocuments.PreviewRequest;
import org.opencdp.segment.rest.ApiDocuments.PreviewView;
import org.opencdp.segment.rest.ApiDocuments.SegmentRequest;
import org.opencdp.segment.rest.ApiDocuments.SegmentView;

/** Segment definitions of a workspace, and the preview of a condition before saving it. */
@Path("/v1/workspaces/{workspaceId}/segments")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Segments")
public class SegmentResource {
  private final SegmentService segments;
  private final PreviewService preview;
  private final MembershipCache cache;

  public SegmentResource(SegmentService segments, PreviewService preview, MembershipCache cache) {
    this.segments = segments;
    this.preview = preview;
    this.cache = cache;
  }

  @GET
  @Operation(summary = "List the segments of the workspace")
  public Uni<List<SegmentView>> list(@PathParam("workspaceId") String workspaceId) {
    return segments
        .list(workspaceId)
        .map(rows -> rows.stream().map(row -> view(row, null, null)).toList());
  }

  @POST
  @Operation(summary = "Create a segment; starts its backfill job (jobId)")
  public Uni<Response> create(@PathParam("workspaceId") String workspaceId, SegmentRequest body) {
    SegmentRequest request = required(body);
    return segments
        .create(
            workspaceId, request.id(), request.name(), request.description(), request.condition())
        .map(
            w ->
                Response.status(201)
                    .header(
                        "Location",
                        "/v1/workspaces/" + workspaceId + "/segments/" + w.segment().segmentId)
                    .entity(view(w.segment(), 0L, w.job().id))
                    .build());
  }

  @GET
  @Path("/{segmentId}")
  @Operation(summary = "A segment with its current size")
  public Uni<SegmentView> get(
      @PathParam("workspaceId") String workspaceId, @PathParam("segmentId") String segmentId) {
    return segments
        .get(workspaceId, segmentId)
        .chain(row -> cache.count(workspaceId, segmentId).map(size -> view(row, size, null)));
  }

  @PUT
  @Path("/{segmentId}")
  @Operation(summary = "Change a segment's name, description or condition; starts a backfill job")
  public Uni<SegmentView> update(
      @PathParam("workspaceId") String workspaceId,
      @PathParam("segmentId") String segmentId,
      SegmentRequest body) {
    SegmentRequest request = required(body);
    return segments
        .update(workspaceId, segmentId, request.name(), request.description(), request.condition())
        .map(w -> view(w.segment(), null, w.job().id));
  }

  @DELETE
  @Path("/{segmentId}")
  @Operation(summary = "Delete a segment: every member exits (job), then the definition goes")
  public Uni<Response> delete(
      @PathParam("workspaceId") String workspaceId, @PathParam("segmentId") String segmentId) {
    return segments
        .delete(workspaceId, segmentId)
        .map(w -> Response.accepted(view(w.segment(), null, w.job().id)).build());
  }

  @POST
  @Path("/preview")
  @Operation(summary = "Count and sample the profiles a condition admits now, without saving")
  public Uni<PreviewView> preview(
      @PathParam("workspaceId") String workspaceId, PreviewRequest body) {
    if (body == null) {
      throw ProblemException.badRequest("send {\"condition\": {...}, \"sampleSize\": 10}");
    }
    int sampleSize = body.sampleSize() == null ? 10 : body.sampleSize();
    if (sampleSize < 0 || sampleSize > 100) {
      throw ProblemException.badRequest("'sampleSize' is between 0 and 100");
    }
    return segments
        .parseForPreview(workspaceId, body.condition())
        .chain(condition -> preview.preview(workspaceId, condition, sampleSize))
        .map(r -> new PreviewView(r.count(), r.evaluated(), r.sample()));
  }

  private static SegmentRequest required(SegmentRequest body) {
    if (body == null) {
      throw ProblemException.badRequest(
          "send {\"id\": ..., \"name\": ..., \"condition\": {...}} as application/json");
    }
    return body;
  }

  static SegmentView view(SegmentEntity row, Long size, String jobId) {
    com.fasterxml.jackson.databind.JsonNode condition;
    try {
      condition = new com.fasterxml.jackson.databind.ObjectMapper().readTree(row.condition);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      condition = null;
    }
    return new SegmentView(
        row.segmentId,
        row.name,
        row.description,
        condition,
        row.version,
        row.deleting,
        size,
        row.createdAt,
        row.updatedAt,
        jobId);
  }
}
