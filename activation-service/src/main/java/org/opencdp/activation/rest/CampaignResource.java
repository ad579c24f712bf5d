package org.opencdp.activation.rest;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.opencdp.activation.campaign.Campaign;
import org.opencdp.activation.campaign.CampaignDefinition;
import org.opencdp.activation.campaign.CampaignService;
import org.opencdp.activation.campaign.CampaignService.CampaignView;
import org.opencdp.activation.delivery.DeliveryPlanner;
import org.opencdp.activation.delivery.DeliveryStore;
import org.opencdp.activation.journey.JourneyStore;
import org.opencdp.activation.profile.ProfileStore;
import org.opencdp.activation.profile.Snapshot;
import org.opencdp.security.problem.ProblemException;

@Path("/v1/workspaces/{workspaceId}/campaigns")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Campaigns")
public class CampaignResource {
  /** Preview input: a profile, and optionally the event that would trigger the campaign. */
  public record PreviewRequest(String profileId, Map<String, Object> event) {}

  private final CampaignService campaigns;
  private final DeliveryPlanner planner;
  private final ProfileStore profiles;
  private final DeliveryStore deliveries;
  private final JourneyStore journeys;

  public CampaignResource(
      CampaignService campaigns,
      DeliveryPlanner planner,
      ProfileStore profiles,
      DeliveryStore deliveries,
      JourneyStore journeys) {
    this.campaigns = campaigns;
    this.planner = planner;
    this.profiles = profiles;
    this.deliveries = deliveries;
    this.journeys = journeys;
  }

  @POST
  @ResponseStatus(201)
  @Operation(summary = "Create a campaign: trigger, steps (WAIT, BRANCH, SEND), consent category")
  public Uni<CampaignView> create(
      @PathParam("workspaceId") String workspaceId, CampaignDefinition definition) {
    return campaigns.create(workspaceId, definition);
  }

  @GET
  public Uni<List<CampaignView>> list(@PathParam("workspaceId") String workspaceId) {
    return campaigns.list(workspaceId);
  }

  @GET
  @Path("{id}")
  public Uni<CampaignView> get(
      @PathParam("workspaceId") String workspaceId, @PathParam("id") String id) {
    return campaigns.get(workspaceId, id);
  }

  @PUT
  @Path("{id}")
  public Uni<CampaignView> update(
      @PathParam("workspaceId") String workspaceId,
      @PathParam("id") String id,
      CampaignDefinition definition) {
    return campaigns.update(workspaceId, id, definition);
  }

  @DELETE
  @Path("{id}")
  @ResponseStatus(204)
  public Uni<Void> delete(
      @PathParam("workspaceId") String workspaceId, @PathParam("id") String id) {
    return campaigns.delete(workspaceId, id);
  }

  @POST
  @Path("{id}/preview")
  @Blocking
  @Operation(summary = "Render the campaign's messages for a profile without sending anything")
  public List<DeliveryPlanner.Preview> preview(
      @PathParam("workspaceId") String workspaceId,
      @PathParam("id") String id,
      PreviewRequest request) {
    if (request == null || request.profileId() == null) {
      throw ProblemException.badRequest("profileId is required");
    }
    Campaign campaign =
        campaigns
            .find(workspaceId, id)
            .orElseThrow(() -> ProblemException.notFound("no campaign " + id));
    Snapshot snapshot =
        profiles
            .find(workspaceId, request.profileId())
            .orElseThrow(
                () ->
                    ProblemException.notFound(
                        "no profile snapshot for " + request.profileId() + " yet"));
    Map<String, Object> context = new LinkedHashMap<>();
    if (request.event() != null) {
      context.put("event", request.event());
    }
    return planner.preview(campaign, snapshot, context);
  }

  @GET
  @Path("{id}/stats")
  @Blocking
  @Operation(summary = "Deliveries per status, opens, clicks and unsubscribes")
  public Map<String, Long> stats(
      @PathParam("workspaceId") String workspaceId, @PathParam("id") String id) {
    return deliveries.stats(workspaceId, id);
  }

  @GET
  @Path("{id}/journeys")
  @Blocking
  @Operation(summary = "Journeys of the campaign (latest 200), optionally of one profile")
  public List<JourneyStore.JourneyView> journeys(
      @PathParam("workspaceId") String workspaceId,
      @PathParam("id") String id,
      @QueryParam("profileId") String profileId) {
    return journeys.ofCampaign(workspaceId, id, profileId);
  }
}
