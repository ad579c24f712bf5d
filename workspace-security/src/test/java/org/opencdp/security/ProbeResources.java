package org.opencdp.security;

import io.vertx.pgclient.PgException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.opencdp.security.problem.ProblemError;
import org.opencdp.security.problem.ProblemException;

/** Test-only endpoints shaped like the services' APIs, to exercise the filter and mappers. */
final class ProbeResources {
  private ProbeResources() {}

  public record Thing(@NotBlank String name, @Max(10) int count) {}

  @Path("/v1/workspaces/{workspaceId}")
  @Produces(MediaType.APPLICATION_JSON)
  public static class WorkspaceScoped {
    private final CurrentWorkspace currentWorkspace;

    WorkspaceScoped(CurrentWorkspace currentWorkspace) {
      this.currentWorkspace = currentWorkspace;
    }

    @GET
    @Path("whoami")
    public Map<String, String> whoami() {
      return Map.of("workspace", currentWorkspace.id(), "actor", currentWorkspace.actor());
    }

    @GET
    @Path("missing")
    public String missing() {
      throw ProblemException.notFound("no thing 7 in this workspace");
    }

    @GET
    @Path("several")
    public String several() {
      throw new ProblemException(
          400,
          "Invalid condition",
          "2 problems in the condition, see 'errors'",
          List.of(new ProblemError("$.all[0]", "unknown operator"), new ProblemError("$", "x")));
    }

    /**
     * As the reactive PostgreSQL client fails on a U+0000 in a path id (wrapped, as it arrives).
     */
    @GET
    @Path("refused/{id}")
    public String refused(@PathParam("id") String id) {
      throw new CompletionException(
          new PgException(
              "invalid byte sequence for encoding \"UTF8\": 0x00", "ERROR", "22021", null));
    }

    /** A database fault that is not the request's: still a 500. */
    @GET
    @Path("duplicate")
    public String duplicate() {
      throw new CompletionException(
          new PgException(
              "duplicate key value violates unique constraint", "ERROR", "23505", null));
    }

    @POST
    @Path("things")
    @Consumes(MediaType.APPLICATION_JSON)
    public Thing create(@Valid Thing thing) {
      return thing;
    }

    @GET
    @Path("boom")
    public String boom() {
      throw new IllegalStateException("duplicate key ana@example.com");
    }
  }

  /** Like profile-service: no workspace in the path, the token decides it. */
  @Path("/v1/me")
  public static class TokenScoped {
    private final CurrentWorkspace currentWorkspace;

    TokenScoped(CurrentWorkspace currentWorkspace) {
      this.currentWorkspace = currentWorkspace;
    }

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String workspace() {
      return currentWorkspace.id();
    }
  }

  /** Like activation's tracking links: no workspace, not token-scoped, public. */
  @Path("/t/{deliveryId}")
  public static class Public {
    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String open() {
      return "ok";
    }
  }
}
