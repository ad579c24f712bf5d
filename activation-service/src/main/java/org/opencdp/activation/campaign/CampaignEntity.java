package org.opencdp.activation.campaign;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Objects;

/** A campaign of a workspace; its definition is kept as JSON. */
@Entity
@Table(
    name = "act_campaign",
    indexes = @Index(name = "ix_campaign_ws", columnList = "workspace_id"))
public class CampaignEntity {
  @Id
  @Column(length = 36)
  public String id;

  @Column(name = "workspace_id", nullable = false, length = 128)
  public String workspaceId;

  @Column(nullable = false, length = 200)
  public String name;

  @Column(nullable = false)
  public boolean active;

  @Column(nullable = false, columnDefinition = "text")
  public String definition;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  @Override
  public boolean equals(Object other) {
    return other instanceof CampaignEntity row && id != null && id.equals(row.id);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(id);
  }
}
