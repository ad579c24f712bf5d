package org.opencdp.ingestion.imports;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.opencdp.ingestion.auth.ManagementAuth;
import org.opencdp.ingestion.problem.ProblemException;

/** Upload a CSV or NDJSON export of profiles or events; follow the job; download its row errors. */
@Path("/api/v1/workspaces/{workspace}/sources/{source}/imports")
@Tag(name = "Bulk import", description = "CRM and store exports as asynchronous jobs")
@Produces(MediaType.APPLICATION_JSON)
public class ImportResource {
  private final ManagementAuth auth;
  private final ImportJobs jobs;

  ImportResource(ManagementAuth auth, ImportJobs jobs) {
    this.auth = auth;
    this.jobs = jobs;
  }

  /** What an operator sees of a job. */
  public record JobView(
      String id,
      String sourceId,
      ImportJob.Kind kind,
      ImportJob.Format format,
      ImportJob.Status status,
      int totalRows,
      int rowsDone,
      int rowsFailed,
      String failure,
      Instant createdAt,
      Instant finishedAt) {
    static JobView of(ImportJob j) {
      return new JobView(
          j.id,
          j.sourceId,
          j.kind,
          j.format,
          j.status,
          j.totalRows,
          j.rowsDone,
          j.rowsFailed,
          j.failure,
          j.createdAt,
          j.finishedAt);
    }
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  @ResponseStatus(202)
  @Operation(summary = "Start an import (?kind=events|profiles&format=csv|ndjson)")
  public Uni<JobView> start(
      @RestPath String workspace,
      @RestPath String source,
      @QueryParam("kind") String kind,
      @QueryParam("format") String format,
      byte[] body,
      @RestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
    ImportJob.Kind parsedKind = parse(ImportJob.Kind.class, kind, "kind", "events or profiles");
    ImportJob.Format parsedFormat =
        parse(ImportJob.Format.class, format, "format", "csv or ndjson");
    if (body == null || body.length == 0) {
      throw ProblemException.badRequest("The body must hold the file to import.");
    }
    String content = new String(body, StandardCharsets.UTF_8);
    return auth.requireWorkspace(authorization, workspace)
        .flatMap(ignored -> jobs.create(workspace, source, parsedKind, parsedFormat, content))
        .map(JobView::of);
  }

  @GET
  @Path("{job}")
  public Uni<JobView> progress(
      @RestPath String workspace,
      @RestPath String source,
      @RestPath String job,
      @RestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
    return auth.requireWorkspace(authorization, workspace)
        .flatMap(ignored -> jobs.findInWorkspace(workspace, job))
        .map(JobView::of);
  }

  @GET
  @Path("{job}/errors")
  @Produces("text/csv")
  @Operation(summary = "The refused rows of a job as CSV (row,reason)")
  public Uni<String> errors(
      @RestPath String workspace,
      @RestPath String source,
      @RestPath String job,
      @RestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
    return auth.requireWorkspace(authorization, workspace)
        .flatMap(ignored -> jobs.errors(workspace, job))
        .map(
            errors -> {
              StringBuilder csv = new StringBuilder("row,reason\n");
              for (ImportError error : errors) {
                csv.append(error.rowNumber)
                    .append(",\"")
                    .append(error.reason.replace("\"", "\"\""))
                    .append("\"\n");
              }
              return csv.toString();
            });
  }

  private static <E extends Enum<E>> E parse(
      Class<E> type, String value, String name, String allowed) {
    try {
      return Enum.valueOf(type, value == null ? "" : value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ProblemException.badRequest(
          "Query parameter \"" + name + "\" must be " + allowed + ".");
    }
  }
}
