package org.opencdp.segment.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import org.opencdp.segment.job.JobEntity;
import org.opencdp.segment.membership.MembershipChangeEntity;

/** The JSON documents of the API (separate from the stored entities). */
public final class ApiDocuments {
  private ApiDocuments() {}

  /** Create or replace a segment. {@code id} is only read on create. */
  public record SegmentRequest(String id, String name, String description, JsonNode condition) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record SegmentView(
      String id,
      String name,
      String description,
      JsonNode condition,
      long version,
      boolean deleting,
      Long size,
      Instant createdAt,
      Instant updatedAt,
      String jobId) {}

  public record PreviewRequest(JsonNode condition, Integer sampleSize) {}

  /** {@code count} of {@code evaluated} profiles match; {@code sample} lists some of them. */
  public record PreviewView(long count, long evaluated, List<String> sample) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record JobView(
      String id,
      JobEntity.Kind kind,
      String segmentId,
      JobEntity.Status status,
      long total,
      long processed,
      double progress,
      long entered,
      long exited,
      String error,
      Instant createdAt,
      Instant startedAt,
      Instant finishedAt) {
    static JobView of(JobEntity job) {
      double progress =
          job.status == JobEntity.Status.SUCCEEDED
              ? 1.0
              : job.total == 0 ? 0.0 : Math.min(1.0, (double) job.processed / job.total);
      return new JobView(
          job.id,
          job.kind,
          job.segmentId,
          job.status,
          job.total,
          job.processed,
          progress,
          job.entered,
          job.exited,
          job.error,
          job.createdAt,
          job.startedAt,
          job.finishedAt);
    }
  }

  /** One page of members; pass {@code next} as {@code cursor} until it is null. */
  public record MembersPage(List<String> members, String next) {}

  public record MemberCheck(String segmentId, String profileId, boolean member) {}

  public record ProfileSegments(String profileId, List<String> segments) {}

  public record HistoryEntry(
      String changeId,
      String profileId,
      String segmentId,
      long segmentVersion,
      String kind,
      String reason,
      Instant occurredAt) {
    static HistoryEntry of(MembershipChangeEntity e) {
      return new HistoryEntry(
          e.changeId,
          e.profileId,
          e.segmentId,
          e.segmentVersion,
          e.kind.name(),
          e.reason,
          e.occurredAt);
    }
  }
}
