package org.opencdp.profile.computed;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.regex.Pattern;
import org.opencdp.security.CurrentWorkspace;
import org.opencdp.security.problem.ProblemException;

/** Declares the computed traits of the caller's workspace. */
@Path("/v1/computed-traits")
@Produces(MediaType.APPLICATION_JSON)
public class ComputedTraitResource {
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

  /** Event names and property paths are bounded like every input (the gateway keeps ids to 256). */
  static final int MAX_REFERENCE_LENGTH = 256;

  /** Body of a declaration. */
  public record Declaration(
      Aggregation aggregation, String event, String property, Integer windowDays) {}

  private final ComputedTraitStore store;
  private final CurrentWorkspace workspace;

  ComputedTraitResource(ComputedTraitStore store, CurrentWorkspace workspace) {
    this.store = store;
    this.workspace = workspace;
  }

  @GET
  public Uni<List<ComputedTraitDefinition>> list() {
    return store.forWorkspace(workspace.id());
  }

  @PUT
  @Path("{name}")
  public Uni<ComputedTraitDefinition> declare(@PathParam("name") String name, Declaration body) {
    if (!NAME.matcher(name).matches()) {
      throw ProblemException.badRequest(
          "A computed trait name is a letter then letters, digits or _ (64 max).");
    }
    if (body == null || body.aggregation() == null) {
      throw ProblemException.badRequest(
          "Give an aggregation: COUNT, SUM, MIN, MAX, AVG, FIRST, LAST or MOST_FREQUENT.");
    }
    if (body.aggregation() != Aggregation.COUNT
        && (body.property() == null || body.property().isBlank())) {
      throw ProblemException.badRequest(
          "This aggregation needs a 'property' (a path into event properties).");
    }
    if (tooLong(body.event()) || tooLong(body.property())) {
      throw ProblemException.badRequest(
          "'event' and 'property' are at most " + MAX_REFERENCE_LENGTH + " characters.");
    }
    if (body.windowDays() != null && (body.windowDays() < 0 || body.windowDays() > 3650)) {
      throw ProblemException.badRequest("windowDays is between 0 (all time) and 3650.");
    }
    ComputedTraitDefinition definition =
        new ComputedTraitDefinition(
            workspace.id(),
            name,
            body.aggregation(),
            body.event(),
            body.property(),
            body.windowDays());
    return store.save(definition).replaceWith(definition);
  }

  private static boolean tooLong(String value) {
    return value != null && value.length() > MAX_REFERENCE_LENGTH;
  }

  @DELETE
  @Path("{name}")
  public Uni<Response> remove(@PathParam("name") String name) {
    return store
        .delete(workspace.id(), name)
        .map(
            deleted -> {
              if (!deleted) {
                throw ProblemException.notFound("No computed trait with this name.");
              }
              return Response.noContent().build();
            });
  }
}
