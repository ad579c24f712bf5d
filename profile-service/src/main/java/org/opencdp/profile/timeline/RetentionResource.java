package org.opencdp.profile.timeline;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.opencdp.security.CurrentWorkspace;
import org.opencdp.security.problem.ProblemException;

/** The caller's workspace timeline retention. */
@Path("/v1/timeline-retention")
@Produces(MediaType.APPLICATION_JSON)
public class RetentionResource {
  static final long MAX_DAYS = 3650;

  public record RetentionView(long days, String source) {}

  public record RetentionUpdate(Long days) {}

  private final RetentionSettings settings;
  private final CurrentWorkspace workspace;

  RetentionResource(RetentionSettings settings, CurrentWorkspace workspace) {
    this.settings = settings;
    this.workspace = workspace;
  }

  @GET
  @Operation(summary = "How long the workspace's timeline events are kept")
  public Uni<RetentionView> get() {
    return settings.forWorkspace(workspace.id()).map(RetentionResource::view);
  }

  @PUT
  @Operation(summary = "Set the workspace's timeline retention in days (applies to new events)")
  public Uni<RetentionView> set(RetentionUpdate update) {
    if (update == null || update.days() == null || update.days() < 1 || update.days() > MAX_DAYS) {
      throw ProblemException.badRequest(
          "Send {\"days\": N} with N between 1 and " + MAX_DAYS + ".");
    }
    String ws = workspace.id();
    return settings.set(ws, update.days()).chain(() -> get());
  }

  @DELETE
  @Operation(summary = "Back to the service's default retention")
  public Uni<RetentionView> reset() {
    return settings.reset(workspace.id()).chain(() -> get());
  }

  private static RetentionView view(RetentionSettings.Retention r) {
    return new RetentionView(r.days(), r.workspaceSetting() ? "workspace" : "default");
  }
}
