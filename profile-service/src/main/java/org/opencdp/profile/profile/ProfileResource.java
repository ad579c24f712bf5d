package org.opencdp.profile.profile;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.opencdp.contracts.PrivacyRequest;
import org.opencdp.profile.config.ProfileConfig;
import org.opencdp.profile.privacy.PrivacyService;
import org.opencdp.profile.profile.ProfileViews.AuditView;
import org.opencdp.profile.profile.ProfileViews.ConsentUpdate;
import org.opencdp.profile.profile.ProfileViews.ConsentView;
import org.opencdp.profile.profile.ProfileViews.EventPage;
import org.opencdp.profile.profile.ProfileViews.ExportDocument;
import org.opencdp.profile.profile.ProfileViews.IdentifierView;
import org.opencdp.profile.profile.ProfileViews.ProfileView;
import org.opencdp.profile.profile.ProfileViews.TraitView;
import org.opencdp.profile.timeline.TimelineQuery;
import org.opencdp.security.CurrentWorkspace;
import org.opencdp.security.problem.ProblemException;

/**
 * The Profile API. {@code {ref}} is a profile id or an identifier {@code type:value} ({@code
 * email:ana@example.com}); a merged profile id answers 307 to its survivor.
 */
@Path("/v1/profiles/{ref}")
@Produces(MediaType.APPLICATION_JSON)
public class ProfileResource {
  private final ProfileQueries queries;
  private final PrivacyService privacy;
  private final CurrentWorkspace workspace;
  private final Clock clock;
  private final ProfileConfig config;

  ProfileResource(
      ProfileQueries queries,
      PrivacyService privacy,
      CurrentWorkspace workspace,
      Clock clock,
      ProfileConfig config) {
    this.queries = queries;
    this.privacy = privacy;
    this.workspace = workspace;
    this.clock = clock;
    this.config = config;
  }

  @GET
  @Operation(summary = "The profile: traits, computed traits, consent, identifiers")
  public Uni<ProfileView> get(@PathParam("ref") String ref) {
    return resolve(ref).map(ProfileViews::view);
  }

  @GET
  @Path("traits")
  @Operation(summary = "Traits with provenance (source, event, event time)")
  public Uni<Map<String, TraitView>> traits(@PathParam("ref") String ref) {
    return resolve(ref).map(ProfileQueries::traits);
  }

  @GET
  @Path("identities")
  @Operation(summary = "Identifiers seen on the profile's events")
  public Uni<List<IdentifierView>> identities(@PathParam("ref") String ref) {
    return resolve(ref).map(p -> ProfileViews.view(p).identifiers());
  }

  @GET
  @Path("events")
  @Operation(summary = "Timeline, newest first; filter by type, name, time range; page with cursor")
  public Uni<EventPage> events(
      @PathParam("ref") String ref,
      @QueryParam("type") String type,
      @QueryParam("name") String name,
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") @DefaultValue("50") int limit) {
    TimelineQuery query =
        new TimelineQuery(
            type, name, instant("from", from), instant("to", to), cursor, pageSize(limit));
    return resolve(ref).chain(p -> queries.events(p, query));
  }

  @GET
  @Path("segments")
  @Operation(summary = "Segments the profile is in (with entered-at) and membership history")
  public Uni<ProfileViews.SegmentsView> segments(
      @PathParam("ref") String ref, @QueryParam("limit") @DefaultValue("50") int limit) {
    int size = pageSize(limit);
    return resolve(ref)
        .chain(
            p ->
                queries
                    .segmentHistory(p, size)
                    .map(
                        history ->
                            new ProfileViews.SegmentsView(
                                ProfileViews.view(p).segments(), history)));
  }

  @GET
  @Path("audit")
  @Operation(summary = "Trait and consent changes, newest first")
  public Uni<List<AuditView>> audit(
      @PathParam("ref") String ref,
      @QueryParam("field") String field,
      @QueryParam("offset") @DefaultValue("0") int offset,
      @QueryParam("limit") @DefaultValue("50") int limit) {
    if (offset < 0) {
      throw ProblemException.badRequest("offset must be 0 or more.");
    }
    return resolve(ref).chain(p -> queries.audit(p, field, offset, pageSize(limit)));
  }

  @GET
  @Path("consent")
  @Operation(summary = "Consent per category with provenance")
  public Uni<Map<String, ConsentView>> consent(@PathParam("ref") String ref) {
    return resolve(ref).map(ProfileQueries::consent);
  }

  @PUT
  @Path("consent")
  @Operation(summary = "Set consent categories (recorded as an event from source profile-api)")
  public Uni<Map<String, ConsentView>> updateConsent(
      @PathParam("ref") String ref, ConsentUpdate update) {
    if (update == null || update.categories() == null || update.categories().isEmpty()) {
      throw ProblemException.badRequest("Send {\"categories\": {\"marketing\": true, ...}}.");
    }
    if (update.categories().values().stream().anyMatch(v -> v == null)) {
      throw ProblemException.badRequest("Every consent category needs true or false.");
    }
    return resolve(ref)
        .chain(p -> privacy.updateConsent(p, update.categories()).replaceWith(p))
        .chain(p -> queries.resolve(workspace.id(), p.profileId()))
        .map(ProfileQueries::consent);
  }

  @GET
  @Path("export")
  @Operation(summary = "Everything held on the person, as one JSON document")
  public Uni<ExportDocument> export(@PathParam("ref") String ref) {
    return resolve(ref)
        .chain(
            p ->
                queries
                    .allEvents(p, config.api().maxExportEvents())
                    .chain(
                        events ->
                            queries
                                .audit(p, null, 0, config.api().maxExportEvents())
                                .chain(
                                    audit ->
                                        queries
                                            .segmentHistory(p, config.api().maxExportEvents())
                                            .map(
                                                segments ->
                                                    new ExportDocument(
                                                        p.workspaceId(),
                                                        clock.instant(),
                                                        ProfileViews.view(p),
                                                        ProfileQueries.traits(p),
                                                        ProfileQueries.consent(p),
                                                        events,
                                                        audit,
                                                        segments)))));
  }

  @DELETE
  @Operation(summary = "Erase the person in every service; returns the privacy request to follow")
  public Uni<Response> delete(@PathParam("ref") String ref) {
    return privacyRequest(ref, PrivacyRequest.Kind.DELETE);
  }

  @POST
  @Path("suppression")
  @Operation(summary = "Refuse future events of the person and stop activating them")
  public Uni<Response> suppress(@PathParam("ref") String ref) {
    return privacyRequest(ref, PrivacyRequest.Kind.SUPPRESS);
  }

  @POST
  @Path("anonymization")
  @Operation(summary = "Forget who the person is, keep behavioural data")
  public Uni<Response> anonymize(@PathParam("ref") String ref) {
    return privacyRequest(ref, PrivacyRequest.Kind.ANONYMIZE);
  }

  private Uni<Response> privacyRequest(String ref, PrivacyRequest.Kind kind) {
    return resolve(ref)
        .chain(p -> privacy.request(p, kind))
        .map(
            view ->
                Response.accepted(view)
                    .header("Location", "/v1/privacy-requests/" + view.requestId())
                    .build());
  }

  private Uni<Profile> resolve(String ref) {
    return queries.resolve(workspace.id(), ref);
  }

  private int pageSize(int limit) {
    if (limit < 1 || limit > config.api().maxPageSize()) {
      throw ProblemException.badRequest(
          "limit is between 1 and " + config.api().maxPageSize() + ".");
    }
    return limit;
  }

  private static Instant instant(String name, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw ProblemException.badRequest(
          name + " is an ISO-8601 instant, e.g. 2026-01-31T00:00:00Z.");
    }
  }
}
