package org.opencdp.activation.rest;

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
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.opencdp.activation.destination.DestinationService;
import org.opencdp.activation.destination.DestinationService.DestinationRequest;
import org.opencdp.activation.destination.DestinationService.DestinationView;

@Path("/v1/workspaces/{workspaceId}/destinations")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Destinations")
public class DestinationResource {
  private final DestinationService destinations;

  public DestinationResource(DestinationService destinations) {
    this.destinations = destinations;
  }

  @POST
  @ResponseStatus(201)
  @Operation(summary = "Create a destination (webhook, email, SMS, Kafka topic, audience sync)")
  public Uni<DestinationView> create(
      @PathParam("workspaceId") String workspaceId, DestinationRequest request) {
    return destinations.create(workspaceId, request);
  }

  @GET
  @Operation(summary = "Destinations of the workspace (secrets are never returned)")
  public Uni<List<DestinationView>> list(@PathParam("workspaceId") String workspaceId) {
    return destinations.list(workspaceId);
  }

  @GET
  @Path("{id}")
  public Uni<DestinationView> get(
      @PathParam("workspaceId") String workspaceId, @PathParam("id") String id) {
    return destinations.get(workspaceId, id);
  }

  @PUT
  @Path("{id}")
  @Operation(summary = "Replace a destination's settings; omit secret to keep it, \"\" to clear it")
  public Uni<DestinationView> update(
      @PathParam("workspaceId") String workspaceId,
      @PathParam("id") String id,
      DestinationRequest request) {
    return destinations.update(workspaceId, id, request);
  }

  @DELETE
  @Path("{id}")
  @ResponseStatus(204)
  public Uni<Void> delete(
      @PathParam("workspaceId") String workspaceId, @PathParam("id") String id) {
    return destinations.delete(workspaceId, id);
  }
}
