package org.opencdp.segment.evaluation;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.opencdp.segment.condition.Condition;
import org.opencdp.segment.config.SegmentConfig;
import org.opencdp.segment.profile.ProfileState;
import org.opencdp.segment.profile.ProfileStateCodec;
import org.opencdp.segment.profile.ProfileStateEntity;
import org.opencdp.segment.profile.ProfileStateRepository;

/**
 * Counts the profiles a condition would admit now, and samples some, without saving anything: a
 * read-only pass over the snapshots the service holds.
 */
@ApplicationScoped
public class PreviewService {
  private final ProfileStateRepository profiles;
  private final ProfileStateCodec codec;
  private final Clock clock;
  private final int pageSize;

  public PreviewService(
      ProfileStateRepository profiles, ProfileStateCodec codec, Clock clock, SegmentConfig config) {
    this.profiles = profiles;
    this.codec = codec;
    this.clock = clock;
    this.pageSize = Math.max(config.backfill().pageSize(), 1000);
  }

  public record Result(long count, long evaluated, List<String> sample) {}

  public Uni<Result> preview(String workspaceId, Condition condition, int sampleSize) {
    Instant now = clock.instant();
    long[] counts = new long[2];
    List<String> sample = new ArrayList<>();
    return Panache.withSession(
            () -> scan(workspaceId, "", condition, now, counts, sample, sampleSize))
        .map(ignored -> new Result(counts[0], counts[1], List.copyOf(sample)));
  }

  private Uni<Void> scan(
      String workspaceId,
      String after,
      Condition condition,
      Instant now,
      long[] counts,
      List<String> sample,
      int sampleSize) {
    return profiles
        .page(workspaceId, after, pageSize, false)
        .chain(
            rows -> {
              for (ProfileStateEntity row : rows) {
                ProfileState state = codec.decode(row);
                counts[1]++;
                if (condition.evaluate(state, now).matches()) {
                  counts[0]++;
                  if (sample.size() < sampleSize) {
                    sample.add(row.profileId);
                  }
                }
              }
              if (rows.size() < pageSize) {
                return Uni.createFrom().voidItem();
              }
              String last = rows.get(rows.size() - 1).key;
              return Panache.getSession()
                  .invoke(session -> session.clear())
                  .chain(() -> scan(workspaceId, last, condition, now, counts, sample, sampleSize));
            });
  }
}
