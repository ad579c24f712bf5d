package org.opencdp.ingestion.source;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.opencdp.ingestion.auth.ManagementAuth;
import org.opencdp.ingestion.problem.ProblemException;
import org.opencdp.ingestion.rejected.RejectedEvent;
import org.opencdp.ingestion.rejected.RejectedEvents;

/** The management API: workspaces, sources, write keys, tokens and the rejected-events store. */
@Path("/api/v1/workspaces")
@Tag(name = "Management API", description = "Workspaces, sources, write keys, tracking plans")
@Produces(MediaType.APPLICATION_JSON)
class ManagementResource {
  private static final int MAX_PAGE_SIZE = 200;

  private final ManagementAuth auth;
  private final SourceAdmin admin;
  private final RejectedEvents rejected;

  ManagementResource(ManagementAuth auth, SourceAdmin admin, RejectedEvents rejected) {
    this.auth = auth;
    this.admin = admin;
    this.rejected = rejected;
  }

  record WorkspaceRequest(String id, String name) {}

  record WorkspaceView(String id, String name, Instant createdAt) {}

  record TokenRequest(String name) {}

  record TokenCreated(String name, String token) {}

  record SourceRequest(
      String name, Integer rateLimitPerSecond, Source.PlanMode planMode, JsonNode trackingPlan) {}

  record SourceView(
      String id,
      String name,
      Integer rateLimitPerSecond,
      Source.PlanMode planMode,
      String trackingPlan) {
    static SourceView of(Source s) {
      return new SourceView(s.id, s.name, s.rateLimitPerSecond, s.planMode, s.trackingPlan);
    }
  }

  record WriteKeyCreated(String keyId, String hint, String writeKey) {}

  record WriteKeyView(String keyId, String hint, Instant createdAt) {
    static WriteKeyView of(WriteKey k) {
      return new WriteKeyView(k.keyHash.substring(0, 16), k.hint, k.createdAt);
    }
  }

  record RejectedView(
      long id,
      String sourceId,
      Instant receivedAt,
      String messageId,
      String reason,
      String payload) {
    static RejectedView of(RejectedEvent e) {
      return new RejectedView(e.id, e.sourceId, e.receivedAt, e.messageId, e.reason, e.payload);
    }
  }

  @POST
  @ResponseStatus(201)
  public Uni<WorkspaceView> createWorkspace(
      WorkspaceRequest request, @RestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
    if (request == null) {
      throw ProblemException.badRequest("A body {\"id\": ..., \"name\": ...} is required.");
    }
    return auth.requireAdmin(authorization)
        .flatMap(ignored -> admin.upsertWorkspace(request.id(), request.name()))
        .map(w -> new WorkspaceView(w.id, w.name, w.createdAt));
  }

  @POST
  @Path("{workspace}/tokens")
  @ResponseStatus(201)
  public Uni<TokenCreated> createToken(
      @RestPath String workspace,
      TokenRequest request,
      @RestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
    String token = Secrets.newSecret("cdp_");
    String name = request == null ? null : request.name();
    return auth.requireWorkspace(authorization, workspace)
        .flatMap(ignored -> admin.addTokenHash(workspace, name, Secrets.sha256(token)))
        .map(saved -> new TokenCreated(saved.name, token));
  }

  @GET
  @Path("{workspace}/sources")
  public Uni<List<SourceView>> listSources(
      @RestPath String workspace, @RestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
    return auth.requireWorkspace(authorization, workspace)
        .flatMap(ignored -> admin.listSources(workspace))
        .map(list -> list.stream().map(SourceView::of).toList());
  }

  @PUT
  @Path("{workspace}/sources/{source}")
  public Uni<SourceView> putSource(
      @RestPath String workspace,
      @RestPath String source,
      SourceRequest request,
      @RestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
    if (request == null) {
      throw ProblemException.badRequest("A source body is required.");
    }
    return auth.requireWorkspace(authorization, workspace)
        .flatMap(
            ignored ->
                admin.upsertSource(
                    workspace,
                    source,
                    new SourceAdmin.SourceSpec(
                        request.name(),
                        request.rateLimitPerSecond(),
                        request.planMode(),
                        request.trackingPlan())))
        .map(SourceView::of);
  }

  @GET
  @Path("{workspace}/sources/{source}")
  public Uni<SourceView> getSource(
      @RestPath String workspace,
      @RestPath String source,
      @RestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
    return auth.requireWorkspace(authorization, workspace)
        .flatMap(ignored -> admin.getSource(workspace, source))
        .map(SourceView::of);
  }

  @DELETE
  @Path("{workspace}/sources/{source}")
  @ResponseStatus(204)
  public Uni<Void> deleteSource(
      @RestPath String workspace,
      @RestPath String source,
      @RestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
    return auth.requireWorkspace(authorization, workspace)
        .flatMap(ignored -> admin.deleteSource(workspace, source));
  }

  @POST
  @Path("{workspace}/sources/{source}/write-keys")
  @ResponseStatus(201)
  public Uni<WriteKeyCreated> createWriteKey(
      @RestPath String workspace,
      @RestPath String source,
      @RestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
    String key = Secrets.newSecret("wk_");
    return auth.requireWorkspace(authorization, workspace)
        .flatMap(ignored -> admin.addWriteKey(workspace, source, key))
        .map(saved -> new WriteKeyCreated(saved.keyHash.substring(0, 16), saved.hint, key));
  }

  @GET
  @Path("{workspace}/sources/{source}/write-keys")
  public Uni<List<WriteKeyView>> listWriteKeys(
      @RestPath String workspace,
      @RestPath String source,
      @RestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
    return auth.requireWorkspace(authorization, workspace)
        .flatMap(ignored -> admin.listWriteKeys(workspace, source))
        .map(list -> list.stream().map(WriteKeyView::of).toList());
  }

  @DELETE
  @Path("{workspace}/sources/{source}/write-keys/{keyId}")
  @ResponseStatus(204)
  public Uni<Void> revokeWriteKey(
      @RestPath String workspace,
      @RestPath String source,
      @RestPath String keyId,
      @RestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
    if (!keyId.matches("[0-9a-f]{16}")) {
      throw ProblemException.badRequest("A key id is 16 hexadecimal characters.");
    }
    return auth.requireWorkspace(authorization, workspace)
        .flatMap(ignored -> admin.revokeWriteKey(workspace, source, keyId));
  }

  @GET
  @Path("{workspace}/rejected-events")
  public Uni<List<RejectedView>> rejectedEvents(
      @RestPath String workspace,
      @QueryParam("sourceId") String sourceId,
      @QueryParam("page") @DefaultValue("0") int page,
      @QueryParam("size") @DefaultValue("50") int size,
      @RestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
    if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
      throw ProblemException.badRequest(
          "page must be >= 0 and size between 1 and " + MAX_PAGE_SIZE + ".");
    }
    return auth.requireWorkspace(authorization, workspace)
        .flatMap(ignored -> rejected.list(workspace, sourceId, page, size))
        .map(list -> list.stream().map(RejectedView::of).toList());
  }
}
