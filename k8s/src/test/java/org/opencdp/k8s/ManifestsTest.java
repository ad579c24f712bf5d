package org.opencdp.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import org.opencdp.k8s.Manifests.InvalidManifestException;

/** The strict parser that every rendering goes through must itself reject what Kubernetes would. */
class ManifestsTest {

  private static final String DEPLOYMENT =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: demo
      spec:
        replicas: %s
        selector:
          matchLabels: {app: demo}
        template:
          metadata:
            labels: {app: demo}
          spec:
            containers:
              - name: demo
                image: demo:1
                %s
      """;

  @Test
  void acceptsAValidDeploymentAsTheTypedModel() {
    var manifests = Manifests.parse(DEPLOYMENT.formatted("2", "imagePullPolicy: Always"));

    assertThat(manifests).hasSize(1);
    assertThat(manifests.get(0).as(Deployment.class).getSpec().getReplicas()).isEqualTo(2);
  }

  @Test
  void rejectsAnUnknownFieldDeepInsideTheObject() {
    assertThatThrownBy(() -> Manifests.parse(DEPLOYMENT.formatted("2", "livenessProbes: {}")))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("unknown field")
        .hasMessageContaining("livenessProbes");
  }

  @Test
  void rejectsAStringWhereTheModelWantsAnInteger() {
    assertThatThrownBy(() -> Manifests.parse(DEPLOYMENT.formatted("\"2\"", "")))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("wrong type")
        .hasMessageContaining("replicas");
  }

  @Test
  void rejectsAnIntegerWhereTheModelWantsAString() {
    assertThatThrownBy(() -> Manifests.parse(DEPLOYMENT.formatted("2", "imagePullPolicy: 3")))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("imagePullPolicy");
  }

  @Test
  void rejectsADuplicateKey() {
    assertThatThrownBy(
            () ->
                Manifests.parse("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, name: b}\n"))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("Duplicate field 'name'");
  }

  @Test
  void rejectsAKindThatHasNoModel() {
    assertThatThrownBy(
            () ->
                Manifests.parse("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("no Kubernetes model");
  }

  @Test
  void rejectsAKafkaTopicWithAnUnknownSpecField() {
    String topic =
        """
        apiVersion: kafka.strimzi.io/v1beta2
        kind: KafkaTopic
        metadata: {name: t, labels: {strimzi.io/cluster: k}}
        spec: {topicName: t, partitions: 3, replicas: 3, config: {}, retention: 1}
        """;

    assertThatThrownBy(() -> Manifests.parse(topic))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("unknown field \"retention\"");
  }

  @Test
  void rejectsAServiceMonitorWithAMisspelledEndpointField() {
    String monitor =
        """
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata: {name: m}
        spec:
          selector: {matchLabels: {a: b}}
          endpoints: [{port: http, pth: /q/metrics}]
        """;

    assertThatThrownBy(() -> Manifests.parse(monitor))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("pth");
  }
}
