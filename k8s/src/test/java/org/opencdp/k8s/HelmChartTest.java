package org.opencdp.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.k8s.Chart.GATEWAY_KEY;
import static org.opencdp.k8s.Chart.RELEASE;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opencdp.k8s.Manifests.Manifest;

/** helm lint and helm template of the chart, with every rendered object checked. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HelmChartTest {

  private List<Manifest> defaults;
  private List<Manifest> production;

  @BeforeAll
  void render() throws IOException {
    String defaultYaml = Chart.templateDefault();
    String productionYaml = Chart.templateProduction();
    // Kept for people reading a failure: target/rendered-*.yaml is exactly what was checked.
    Files.createDirectories(Chart.K8S_DIR.resolve("target"));
    Files.writeString(Chart.K8S_DIR.resolve("target/rendered-default.yaml"), defaultYaml);
    Files.writeString(Chart.K8S_DIR.resolve("target/rendered-production.yaml"), productionYaml);
    defaults = Manifests.parse(defaultYaml);
    production = Manifests.parse(productionYaml);
  }

  Stream<Arguments> renderings() {
    return Stream.of(Arguments.of("default", defaults), Arguments.of("production", production));
  }

  @Test
  void lintStrictPassesWithoutFindings() {
    LintResult result = Chart.lintStrict();

    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    assertThat(result.getMessages())
        .filteredOn(m -> m.contains("[WARNING]") || m.contains("[ERROR]"))
        .isEmpty();
  }

  @ParameterizedTest(name = "{0} values")
  @MethodSource("renderings")
  void rendersOneDeploymentServiceConfigMapAndNetworkPolicyPerService(
      String values, List<Manifest> manifests) {
    for (String kind : List.of("Deployment", "Service", "ConfigMap", "NetworkPolicy")) {
      assertThat(names(manifests, kind))
          .as(kind)
          .containsExactlyInAnyOrderElementsOf(
              Chart.SERVICE_KEYS.stream().map(k -> fullname(k)).toList());
    }
  }

  @ParameterizedTest(name = "{0} values")
  @MethodSource("renderings")
  void everyContainerHasTheThreeHealthProbesOnTheHttpPort(String values, List<Manifest> manifests) {
    for (Deployment deployment : deployments(manifests)) {
      for (Container c : containers(deployment)) {
        String where = deployment.getMetadata().getName() + "/" + c.getName();
        assertProbe(where, c.getStartupProbe(), "/q/health/started");
        assertProbe(where, c.getLivenessProbe(), "/q/health/live");
        assertProbe(where, c.getReadinessProbe(), "/q/health/ready");
        assertThat(c.getPorts()).as(where).anyMatch(p -> "http".equals(p.getName()));
      }
    }
  }

  @ParameterizedTest(name = "{0} values")
  @MethodSource("renderings")
  void everyContainerHasCpuAndMemoryRequestsAndLimits(String values, List<Manifest> manifests) {
    for (Deployment deployment : deployments(manifests)) {
      for (Container c : containers(deployment)) {
        String where = deployment.getMetadata().getName() + "/" + c.getName();
        assertThat(c.getResources()).as(where).isNotNull();
        assertThat(c.getResources().getLimits())
            .as(where + " limits")
            .containsKeys("cpu", "memory");
        assertThat(c.getResources().getRequests())
            .as(where + " requests")
            .containsKeys("cpu", "memory");
      }
    }
  }

  @ParameterizedTest(name = "{0} values")
  @MethodSource("renderings")
  void everyContainerRunsAsNonRootOnAReadOnlyRootFilesystemWithoutCapabilities(
      String values, List<Manifest> manifests) {
    for (Deployment deployment : deployments(manifests)) {
      PodSpec pod = deployment.getSpec().getTemplate().getSpec();
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(pod.getSecurityContext().getSeccompProfile().getType())
          .isEqualTo("RuntimeDefault");
      assertThat(pod.getAutomountServiceAccountToken()).isFalse();
      for (Container c : pod.getContainers()) {
        String where = deployment.getMetadata().getName() + "/" + c.getName();
        var sc = c.getSecurityContext();
        assertThat(sc).as(where).isNotNull();
        assertThat(sc.getRunAsNonRoot()).as(where + " runAsNonRoot").isTrue();
        assertThat(sc.getRunAsUser()).as(where + " runAsUser").isNotNull().isNotZero();
        assertThat(sc.getReadOnlyRootFilesystem()).as(where + " readOnlyRootFilesystem").isTrue();
        assertThat(sc.getAllowPrivilegeEscalation())
            .as(where + " allowPrivilegeEscalation")
            .isFalse();
        assertThat(sc.getPrivileged()).as(where + " privileged").isNotEqualTo(Boolean.TRUE);
        assertThat(sc.getCapabilities().getDrop()).as(where + " drop").contains("ALL");
        assertThat(sc.getCapabilities().getAdd()).as(where + " add").isNullOrEmpty();
        assertThat(sc.getSeccompProfile().getType()).as(where).isEqualTo("RuntimeDefault");
        // The read-only root needs a writable /tmp, and it must be an emptyDir.
        var tmp =
            c.getVolumeMounts().stream().filter(m -> "/tmp".equals(m.getMountPath())).findFirst();
        assertThat(tmp).as(where + " /tmp mount").isPresent();
        assertThat(pod.getVolumes())
            .as(where + " /tmp volume")
            .anyMatch(v -> v.getName().equals(tmp.get().getName()) && v.getEmptyDir() != null);
      }
    }
  }

  @ParameterizedTest(name = "{0} values")
  @MethodSource("renderings")
  void rendersNoSecretAndTakesEveryCredentialFromASecretReference(
      String values, List<Manifest> manifests) {
    assertThat(manifests).noneMatch(m -> m.kind().equals("Secret"));
    for (Deployment deployment : deployments(manifests)) {
      for (Container c : containers(deployment)) {
        for (EnvVar env : c.getEnv()) {
          if (env.getName().matches(".*(PASSWORD|SECRET|TOKEN|USER|MONGODB_URL).*")) {
            assertThat(env.getValue()).as(env.getName() + " literal value").isNull();
            assertThat(env.getValueFrom().getSecretKeyRef())
                .as(env.getName() + " secretKeyRef")
                .isNotNull();
          }
          if (env.getValue() != null) {
            assertNoCredential(
                deployment.getMetadata().getName() + " " + env.getName(), env.getValue());
          }
        }
      }
    }
    for (ConfigMap configMap : ofKind(manifests, ConfigMap.class)) {
      configMap
          .getData()
          .forEach(
              (k, v) -> {
                assertThat(k).doesNotContainPattern("PASSWORD|SECRET|TOKEN|CREDENTIAL");
                assertNoCredential(configMap.getMetadata().getName() + " " + k, v);
              });
    }
  }

  @ParameterizedTest(name = "{0} values")
  @MethodSource("renderings")
  void pointsEveryServiceAtTheExternalDatastoresItUses(String values, List<Manifest> manifests) {
    Map<String, Map<String, String>> config =
        ofKind(manifests, ConfigMap.class).stream()
            .collect(Collectors.toMap(c -> c.getMetadata().getName(), ConfigMap::getData));
    for (String key : Chart.SERVICE_KEYS) {
      assertThat(config.get(fullname(key))).containsKey("KAFKA_BOOTSTRAP_SERVERS");
    }
    for (String key : List.of("ingestion", "identity", "segment", "activation")) {
      assertThat(config.get(fullname(key)).get("CDP_POSTGRES_URL"))
          .as(key)
          .matches("postgresql://[a-z0-9.-]+:[0-9]+/" + key);
      assertThat(envNames(deployment(manifests, key)))
          .contains("CDP_POSTGRES_USER", "CDP_POSTGRES_PASSWORD");
    }
    assertThat(envNames(deployment(manifests, "profile"))).contains("CDP_MONGODB_URL");
    assertThat(config.get(fullname("profile"))).doesNotContainKey("CDP_POSTGRES_URL");
    for (String key : List.of("ingestion", "segment", "activation")) {
      boolean fromConfig = config.get(fullname(key)).containsKey("CDP_REDIS_URL");
      boolean fromSecret = envNames(deployment(manifests, key)).contains("CDP_REDIS_URL");
      assertThat(fromConfig ^ fromSecret).as(key + " has CDP_REDIS_URL exactly once").isTrue();
    }
  }

  @ParameterizedTest(name = "{0} values")
  @MethodSource("renderings")
  void onlyTheGatewayIsExposedOutsideTheRelease(String values, List<Manifest> manifests) {
    String gateway = fullname(GATEWAY_KEY);
    for (Service service : ofKind(manifests, Service.class)) {
      if (!service.getMetadata().getName().equals(gateway)) {
        assertThat(service.getSpec().getType())
            .as(service.getMetadata().getName())
            .isEqualTo("ClusterIP");
      }
    }
    for (Ingress ingress : ofKind(manifests, Ingress.class)) {
      ingress.getSpec().getRules().stream()
          .flatMap(r -> r.getHttp().getPaths().stream())
          .forEach(p -> assertThat(p.getBackend().getService().getName()).isEqualTo(gateway));
      assertThat(ingress.getSpec().getDefaultBackend()).isNull();
    }
    for (HTTPRoute route : ofKind(manifests, HTTPRoute.class)) {
      route.getSpec().getRules().stream()
          .flatMap(r -> r.getBackendRefs().stream())
          .forEach(b -> assertThat(b.getName()).isEqualTo(gateway));
    }
    Set<String> releasePodNames =
        Chart.SERVICE_KEYS.stream().map(HelmChartTest::serviceName).collect(Collectors.toSet());
    for (NetworkPolicy policy : ofKind(manifests, NetworkPolicy.class)) {
      String name = policy.getMetadata().getName();
      assertThat(policy.getSpec().getPolicyTypes()).as(name).contains("Ingress", "Egress");
      if (name.equals(gateway)) {
        continue;
      }
      for (var rule : policy.getSpec().getIngress()) {
        assertThat(rule.getFrom()).as(name + " ingress from anywhere").isNotEmpty();
        for (NetworkPolicyPeer peer : rule.getFrom()) {
          assertThat(peer.getIpBlock()).as(name + " ipBlock").isNull();
          if (peer.getNamespaceSelector() == null) {
            // Same namespace: only this release's own services.
            assertThat(peer.getPodSelector().getMatchLabels())
                .as(name)
                .containsEntry("app.kubernetes.io/instance", RELEASE);
            assertThat(releasePodNames)
                .contains(peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/name"));
          } else {
            // Another namespace: only the monitoring namespace, for /q/metrics.
            assertThat(peer.getNamespaceSelector().getMatchLabels())
                .as(name + " namespaceSelector")
                .containsEntry("kubernetes.io/metadata.name", "monitoring");
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} values")
  @MethodSource("renderings")
  void autoscalersAndDisruptionBudgetsTargetTheServicesDeployments(
      String values, List<Manifest> manifests) {
    Set<String> deploymentNames = Set.copyOf(names(manifests, "Deployment"));
    List<HorizontalPodAutoscaler> hpas = ofKind(manifests, HorizontalPodAutoscaler.class);
    assertThat(hpas).hasSize(Chart.SERVICE_KEYS.size());
    for (HorizontalPodAutoscaler hpa : hpas) {
      assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
      assertThat(deploymentNames).contains(hpa.getSpec().getScaleTargetRef().getName());
      assertThat(hpa.getSpec().getMaxReplicas())
          .isGreaterThanOrEqualTo(hpa.getSpec().getMinReplicas());
    }
    for (Deployment d : deployments(manifests)) {
      // With an HPA the Deployment must not pin replicas, or every upgrade resets the scale.
      assertThat(d.getSpec().getReplicas()).as(d.getMetadata().getName()).isNull();
    }
    List<PodDisruptionBudget> pdbs = ofKind(manifests, PodDisruptionBudget.class);
    assertThat(pdbs).hasSize(Chart.SERVICE_KEYS.size());
    for (PodDisruptionBudget pdb : pdbs) {
      Deployment target = deployment(manifests, pdb.getMetadata().getName());
      assertThat(target.getSpec().getSelector().getMatchLabels())
          .isEqualTo(pdb.getSpec().getSelector().getMatchLabels());
    }
  }

  @Test
  void productionValuesRenderIngressRouteMonitorsAndAllKafkaTopicsWithDlqs() {
    assertThat(names(production, "Ingress")).containsExactly(fullname(GATEWAY_KEY));
    assertThat(names(production, "HTTPRoute")).containsExactly(fullname(GATEWAY_KEY));
    assertThat(ofKind(production, ServiceMonitor.class))
        .hasSize(5)
        .allSatisfy(
            sm ->
                assertThat(sm.getSpec().getEndpoints())
                    .allSatisfy(e -> assertThat(e.getPath()).isEqualTo("/q/metrics")));
    List<String> base =
        List.of(
            "cdp.events.raw",
            "cdp.events.resolved",
            "cdp.identity.merges",
            "cdp.profiles.changed",
            "cdp.segments.membership",
            "cdp.privacy.requests",
            "cdp.deliveries");
    List<String> expected =
        Stream.concat(base.stream(), base.stream().map(t -> t + ".dlq")).toList();
    List<Manifest> topics = production.stream().filter(m -> m.kind().equals("KafkaTopic")).toList();
    assertThat(topics.stream().map(t -> t.raw().path("spec").path("topicName").asText()))
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(topics)
        .allSatisfy(
            t ->
                assertThat(
                        t.raw().path("metadata").path("labels").path("strimzi.io/cluster").asText())
                    .isEqualTo("events"));
    assertThat(topic(topics, "cdp.events.raw").path("partitions").asInt()).isEqualTo(48);
    assertThat(topic(topics, "cdp.events.raw.dlq").path("partitions").asInt()).isEqualTo(3);
    assertThat(
            topic(topics, "cdp.profiles.changed")
                .path("config")
                .path("min.insync.replicas")
                .asText())
        .isEqualTo("2");
  }

  @Test
  void defaultValuesRenderNoIngressRouteMonitorOrTopics() {
    assertThat(defaults)
        .extracting(Manifest::kind)
        .doesNotContain("Ingress", "HTTPRoute", "ServiceMonitor", "KafkaTopic");
  }

  @Test
  void configChangeRollsThePodsThroughAChecksumAnnotation() {
    String changed =
        Chart.template(null, Map.of("kafka.bootstrapServers", "other-kafka.kafka.svc:9092"));
    Deployment before = deployment(defaults, GATEWAY_KEY);
    Deployment after = deployment(Manifests.parse(changed), GATEWAY_KEY);

    assertThat(after.getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config"))
        .isNotBlank()
        .isNotEqualTo(
            before.getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config"));
  }

  @Test
  void disabledServiceRendersNothingAndNoPolicyLetsOthersCallIt() {
    List<Manifest> manifests =
        Manifests.parse(Chart.template(null, Map.of("services.profile.enabled", false)));

    assertThat(manifests).noneMatch(m -> m.name().equals(fullname("profile")));
    assertThat(ofKind(manifests, NetworkPolicy.class))
        .flatExtracting(p -> p.getSpec().getEgress())
        .flatExtracting(r -> r.getTo() == null ? List.of() : r.getTo())
        .noneMatch(
            peer ->
                peer.getPodSelector() != null
                    && serviceName("profile")
                        .equals(
                            peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/name")));
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static com.fasterxml.jackson.databind.JsonNode topic(List<Manifest> topics, String name) {
    return topics.stream()
        .filter(t -> t.raw().path("spec").path("topicName").asText().equals(name))
        .findFirst()
        .orElseThrow()
        .raw()
        .path("spec");
  }

  private static void assertProbe(String where, Probe probe, String path) {
    assertThat(probe).as(where + " probe " + path).isNotNull();
    assertThat(probe.getHttpGet()).as(where + " " + path + " httpGet").isNotNull();
    assertThat(probe.getHttpGet().getPath()).as(where).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort().getStrVal()).as(where + " port").isEqualTo("http");
  }

  /** A URL or string carrying user:password@ is a credential and must never be rendered. */
  private static void assertNoCredential(String where, String value) {
    assertThat(value).as(where).doesNotContainPattern("://[^/@\\s]*:[^/@\\s]*@");
  }

  static String fullname(String key) {
    return RELEASE + "-opencdp-" + key;
  }

  static String serviceName(String key) {
    return key + "-service";
  }

  static List<String> names(List<Manifest> manifests, String kind) {
    return manifests.stream().filter(m -> m.kind().equals(kind)).map(Manifest::name).toList();
  }

  static <T> List<T> ofKind(List<Manifest> manifests, Class<T> type) {
    return manifests.stream()
        .map(Manifest::typed)
        .filter(type::isInstance)
        .map(type::cast)
        .toList();
  }

  static List<Deployment> deployments(List<Manifest> manifests) {
    return ofKind(manifests, Deployment.class);
  }

  static Deployment deployment(List<Manifest> manifests, String keyOrName) {
    String name = keyOrName.startsWith(RELEASE + "-") ? keyOrName : fullname(keyOrName);
    return deployments(manifests).stream()
        .filter(d -> d.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Deployment " + name));
  }

  static List<Container> containers(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers();
  }

  static List<String> envNames(Deployment deployment) {
    return containers(deployment).stream()
        .flatMap(c -> c.getEnv().stream())
        .map(EnvVar::getName)
        .toList();
  }
}
