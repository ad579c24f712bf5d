package org.opencdp.activation.destination;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Objects;

/** A destination of a workspace; {@code secret} is AES-GCM encrypted (see SecretCipher). */
@Entity
@Table(
    name = "act_destination",
    indexes = @Index(name = "ix_destination_ws", columnList = "workspace_id"))
public class DestinationEntity {
  @Id
  @Column(length = 36)
  public String id;

  @Column(name = "workspace_id", nullable = false, length = 128)
  public String workspaceId;

  @Column(nullable = false, length = 200)
  public String name;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 16)
  public DestinationType type;

  /** Non-secret settings as JSON. */
  @Column(nullable = false, columnDefinition = "text")
  public String config;

  @Column(columnDefinition = "text")
  public String secret;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  @Override
  public boolean equals(Object other) {
    return other instanceof DestinationEntity row && id != null && id.equals(row.id);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(id);
  }
}
