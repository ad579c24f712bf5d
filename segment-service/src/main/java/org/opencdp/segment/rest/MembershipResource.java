package org.opencdp.segment.rest;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.TreeSet;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.opencdp.security.problem.ProblemException;
import org.opencdp.segment.definition.SegmentService;
import org.opencdp.segment.job.JobEntity;
import org.opencdp.segment.job.JobRepository;
import org.opencdp.segment.job.JobRunner;
import org.opencdp.segment.membership.MembershipCache;
import org.opencdp.segment.membership.MembershipChangeRepository;
import org.opencdp.segment.rest.ApiDocuments.HistoryEntry;
import org.opencdp.segment.rest.ApiDocuments.JobView;
import org.opencdp.segment.rest.ApiDocuments.MemberCheck;
import org.opencdp.segment.rest.ApiDocuments.MembersPage;
import org.opencdp.segment.rest.ApiDocuments.ProfileSegments;

/** Membership (served from Redis), history (PostgreSQL), jobs and the cache rebuild. */
@Path("/v1/workspaces/{workspaceId}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Membership")
public class MembershipResource {
  private final MembershipCache cache;
  private final SegmentService segments;
  private final MembershipChangeRepository history;
  private final JobRepository jobs;
  private final JobRunner runner;

  public MembershipResource(
      MembershipCache cache,
      SegmentService segments,
      MembershipChangeRepository history,
      JobRepository jobs,
      JobRunner runner) {
    this.cache = cache;
    this.segments = segments;
    this.history = history;
    this.jobs = jobs;
    this.runner = runner;
  }

  @GET
  @Path("/segments/{segmentId}/members")
  @Operation(summary = "A page of members (Redis SSCAN); pass 'next' back as 'cursor'")
  public Uni<MembersPage> members(
      @PathParam("workspaceId") String workspaceId,
      @PathParam("segmentId") String segmentId,
      @QueryParam("cursor") @DefaultValue("0") String cursor,
      @QueryParam("count") @DefaultValue("100") int count) {
    if (!cursor.matches("[0-9]{1,20}")) {
      throw ProblemException.badRequest("'cursor' is the 'next' value of the previous page, or 0");
    }
    if (count < 1 || count > 1000) {
      throw ProblemException.badRequest("'count' is between 1 and 1000");
    }
    return segments
        .get(workspaceId, segmentId)
        .chain(ignored -> cache.members(workspaceId, segmentId, cursor, count))
        .map(
            page ->
                new MembersPage(page.members(), "0".equals(page.cursor()) ? null : page.cursor()));
  }

  @GET
  @Path("/segments/{segmentId}/members/{profileId}")
  @Operation(summary = "Whether a profile is in a segment (Redis SISMEMBER)")
  public Uni<MemberCheck> isMember(
      @PathParam("workspaceId") String workspaceId,
      @PathParam("segmentId") String segmentId,
      @PathParam("profileId") String profileId) {
    return cache
        .isMember(workspaceId, segmentId, profileId)
        .map(member -> new MemberCheck(segmentId, profileId, member));
  }

  @GET
  @Path("/segments/{segmentId}/history")
  @Operation(summary = "Enter/exit history of a segment, newest first")
  public Uni<List<HistoryEntry>> segmentHistory(
      @PathParam("workspaceId") String workspaceId,
      @PathParam("segmentId") String segmentId,
      @QueryParam("profileId") String profileId,
      @QueryParam("limit") @DefaultValue("100") int limit) {
    return history(workspaceId, segmentId, profileId, limit);
  }

  @GET
  @Path("/profiles/{profileId}/segments")
  @Operation(summary = "The segments a profile is in (Redis)")
  public Uni<ProfileSegments> profileSegments(
      @PathParam("workspaceId") String workspaceId, @PathParam("profileId") String profileId) {
    return cache
        .segmentsOf(workspaceId, profileId)
        .map(set -> new ProfileSegments(profileId, List.copyOf(new TreeSet<>(set))));
  }

  @GET
  @Path("/profiles/{profileId}/history")
  @Operation(summary = "Enter/exit history of a profile, newest first")
  public Uni<List<HistoryEntry>> profileHistory(
      @PathParam("workspaceId") String workspaceId,
      @PathParam("profileId") String profileId,
      @QueryParam("limit") @DefaultValue("100") int limit) {
    return history(workspaceId, null, profileId, limit);
  }

  @POST
  @Path("/membership/rebuild")
  @Operation(
      summary = "Rebuild the workspace's Redis membership and timers from PostgreSQL (job, 202)")
  public Uni<Response> rebuild(@PathParam("workspaceId") String workspaceId) {
    JobEntity job = runner.newJob(workspaceId, JobEntity.Kind.REBUILD, null, 0);
    return Panache.withTransaction(() -> jobs.persist(job))
        .invoke(() -> runner.launch(job.id))
        .map(ignored -> Response.accepted(JobView.of(job)).build());
  }

  @GET
  @Path("/jobs/{jobId}")
  @Operation(summary = "A job and its progress")
  public Uni<JobView> job(
      @PathParam("workspaceId") String workspaceId, @PathParam("jobId") String jobId) {
    return Panache.withSession(() -> jobs.findById(jobId))
        .map(
            job -> {
              if (job == null || !job.workspaceId.equals(workspaceId)) {
                throw ProblemException.notFound("no job '" + jobId + "' in this workspace");
              }
              return JobView.of(job);
            });
  }

  @GET
  @Path("/jobs")
  @Operation(summary = "The latest jobs of the workspace")
  public Uni<List<JobView>> jobs(@PathParam("workspaceId") String workspaceId) {
    return Panache.withSession(() -> jobs.ofWorkspace(workspaceId, 50))
        .map(list -> list.stream().map(JobView::of).toList());
  }

  private Uni<List<HistoryEntry>> history(
      String workspaceId, String segmentId, String profileId, int limit) {
    if (limit < 1 || limit > 1000) {
      throw ProblemException.badRequest("'limit' is between 1 and 1000");
    }
    return Panache.withSession(() -> history.history(workspaceId, segmentId, profileId, limit))
        .map(list -> list.stream().map(HistoryEntry::of).toList());
  }

  static Response accepted(Object entity) {
    return Response.accepted(entity).build();
  }
}
