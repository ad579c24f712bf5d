package org.opencdp.segment.definition;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Objects;

/** A stored segment definition; {@code key} is {@code workspace/segmentId}. */
@Entity
@Table(name = "segment", indexes = @Index(name = "segment_ws", columnList = "workspaceId"))
public class SegmentEntity {
  @Id public String key;

  @Column(nullable = false)
  public String workspaceId;

  @Column(nullable = false)
  public String segmentId;

  @Column(nullable = false)
  public String name;

  @Column(length = 2000)
  public String description;

  /** The condition as JSON (the documented language), validated on write. */
  @Column(nullable = false, columnDefinition = "text")
  public String condition;

  public long version;

  /** True while the exit-everyone job of a deleted segment runs. */
  public boolean deleting;

  public Instant createdAt;
  public Instant updatedAt;

  public static String key(String workspaceId, String segmentId) {
    return workspaceId + "/" + segmentId;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SegmentEntity other && key != null && key.equals(other.key);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(key);
  }
}
