package org.opencdp.activation.rest;

import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.opencdp.activation.delivery.DeliveryStore;
import org.opencdp.security.problem.ProblemException;

@Path("/v1/workspaces/{workspaceId}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Deliveries")
public class DeliveryResource {
  private final DeliveryStore store;
  private final Clock clock;

  public DeliveryResource(DeliveryStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @GET
  @Path("deliveries")
  @Blocking
  @Operation(summary = "Delivery log, newest first (no message content)")
  public List<DeliveryStore.LogEntry> log(
      @PathParam("workspaceId") String workspaceId,
      @QueryParam("campaignId") String campaignId,
      @QueryParam("profileId") String profileId,
      @QueryParam("status") String status,
      @QueryParam("limit") @DefaultValue("100") int limit) {
    return store.log(
        workspaceId,
        campaignId,
        profileId,
        status == null ? null : status.toUpperCase(java.util.Locale.ROOT),
        bounded(limit));
  }

  @GET
  @Path("dead-letters")
  @Blocking
  @Operation(summary = "Deliveries given up after their retries, newest first")
  public List<DeliveryStore.DeadLetter> deadLetters(
      @PathParam("workspaceId") String workspaceId,
      @QueryParam("limit") @DefaultValue("100") int limit) {
    return store.deadLetters(workspaceId, bounded(limit));
  }

  @POST
  @Path("dead-letters/{deliveryId}/replay")
  @Blocking
  @Operation(summary = "Queue one dead letter again with fresh attempts (same idempotency key)")
  public Map<String, Object> replayOne(
      @PathParam("workspaceId") String workspaceId, @PathParam("deliveryId") String deliveryId) {
    List<String> ids = store.replay(workspaceId, deliveryId, null, clock.instant());
    if (ids.isEmpty()) {
      throw ProblemException.notFound("no dead letter " + deliveryId);
    }
    return Map.of("replayed", ids);
  }

  @POST
  @Path("dead-letters/replay")
  @Blocking
  @Operation(summary = "Queue every dead letter again, optionally of one destination")
  public Map<String, Object> replayAll(
      @PathParam("workspaceId") String workspaceId,
      @QueryParam("destinationId") String destinationId) {
    return Map.of("replayed", store.replay(workspaceId, null, destinationId, clock.instant()));
  }

  private static int bounded(int limit) {
    if (limit < 1 || limit > 1000) {
      throw ProblemException.badRequest("limit: between 1 and 1000");
    }
    return limit;
  }
}
