package org.opencdp.profile.privacy;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.opencdp.security.CurrentWorkspace;

/** Status of privacy requests: PENDING until every participating service answered. */
@Path("/v1/privacy-requests")
@Produces(MediaType.APPLICATION_JSON)
public class PrivacyRequestResource {
  private final PrivacyService privacy;
  private final CurrentWorkspace workspace;

  PrivacyRequestResource(PrivacyService privacy, CurrentWorkspace workspace) {
    this.privacy = privacy;
    this.workspace = workspace;
  }

  @GET
  @Path("{requestId}")
  public Uni<PrivacyService.RequestView> get(@PathParam("requestId") String requestId) {
    return privacy.find(workspace.id(), requestId);
  }
}
