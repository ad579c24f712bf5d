package org.opencdp.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** values.schema.json turns wrong values into a failed install with a message naming the key. */
class ValuesSchemaTest {

  private static String renderWith(Map<String, Object> sets) {
    return Chart.template(null, sets);
  }

  @Test
  void acceptsTheDefaultValues() {
    assertThat(Chart.templateDefault()).contains("kind: Deployment");
  }

  @Test
  void rejectsReplicasGivenAsAWord() {
    assertThatThrownBy(() -> renderWith(Map.of("services.ingestion.replicas", "two")))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining("at '/services/ingestion/replicas': got string, want integer");
  }

  @Test
  void rejectsAnUnknownServiceSetting() {
    assertThatThrownBy(() -> renderWith(Map.of("services.identity.replica", 3)))
        .hasMessageContaining(
            "at '/services/identity': additional properties 'replica' not allowed");
  }

  @Test
  void rejectsAServiceKeyThatIsNotOneOfTheFive() {
    assertThatThrownBy(() -> renderWith(Map.of("services.billing.enabled", true)))
        .hasMessageContaining("billing");
  }

  @Test
  void rejectsAWritableRootFilesystem() {
    assertThatThrownBy(
            () -> renderWith(Map.of("containerSecurityContext.readOnlyRootFilesystem", false)))
        .hasMessageContaining(
            "at '/containerSecurityContext/readOnlyRootFilesystem': value must be true");
  }

  @Test
  void rejectsRunningAsRoot() {
    assertThatThrownBy(() -> renderWith(Map.of("podSecurityContext.runAsUser", 0)))
        .hasMessageContaining("runAsUser");
  }

  @Test
  void rejectsARedisUrlCarryingAPassword() {
    assertThatThrownBy(() -> renderWith(Map.of("redis.url", "redis://:hunter2@redis:6379")))
        .hasMessageContaining("redis")
        .hasMessageContaining("url");
  }

  @Test
  void rejectsAPasswordPassedAsAPlainEnvironmentVariable() {
    assertThatThrownBy(() -> renderWith(Map.of("services.activation.env.SMTP_PASSWORD", "x")))
        .hasMessageContaining("SMTP_PASSWORD");
  }

  @Test
  void rejectsAMissingPostgresSecretName() {
    assertThatThrownBy(() -> renderWith(Map.of("postgresql.existingSecret", "")))
        .hasMessageContaining("existingSecret");
  }

  @Test
  void rejectsAContainerWithoutMemoryLimit() {
    assertThatThrownBy(() -> renderWith(Map.of("services.profile.resources.limits.memory", "lots")))
        .hasMessageContaining("memory");
  }

  @Test
  void rejectsABootstrapServerWithoutPort() {
    assertThatThrownBy(() -> renderWith(Map.of("kafka.bootstrapServers", "kafka.kafka.svc")))
        .hasMessageContaining("bootstrapServers");
  }

  @Test
  void rejectsAProbeOnAPathThatIsNotAQuarkusHealthEndpoint() {
    assertThatThrownBy(() -> renderWith(Map.of("probes.liveness.path", "/health")))
        .hasMessageContaining("liveness");
  }
}
