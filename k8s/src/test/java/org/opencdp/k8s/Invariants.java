package org.opencdp.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.k8s.Chart.GATEWAY_KEY;

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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.opencdp.k8s.Manifests.Manifest;

/**
 * The checks every rendering must pass, whether it comes from helm template or kubectl kustomize.
 * Each method fails with an AssertJ message naming the object and field at fault.
 */
final class Invariants {

  /** How a rendering names things: the release (instance label) and the object name prefix. */
  record Release(String name, String prefix) {
    String fullname(String key) {
      return prefix + key;
    }

    static String serviceName(String key) {
      return key + "-service";
    }
  }

  private Invariants() {}

  /** Runs every check below. */
  static void checkAll(Release r, List<Manifest> manifests) {
    rendersOneDeploymentServiceConfigMapAndNetworkPolicyPerService(r, manifests);
    everyContainerHasTheThreeHealthProbesOnTheHttpPort(r, manifests);
    everyContainerHasCpuAndMemoryRequestsAndLimits(r, manifests);
    everyContainerRunsAsNonRootOnAReadOnlyRootFilesystemWithoutCapabilities(r, manifests);
    rendersNoSecretAndTakesEveryCredentialFromASecretReference(r, manifests);
    pointsEveryServiceAtTheExternalDatastoresItUses(r, manifests);
    givesEveryWorkspaceScopedServiceTheOneTokenSetting(r, manifests);
    onlyTheGatewayIsExposedOutsideTheRelease(r, manifests);
    autoscalersAndDisruptionBudgetsTargetTheServicesDeployments(r, manifests);
  }

  static void rendersOneDeploymentServiceConfigMapAndNetworkPolicyPerService(
      Release r, List<Manifest> manifests) {
    for (String kind : List.of("Deployment", "Service", "NetworkPolicy")) {
      assertThat(names(manifests, kind))
          .as(kind)
          .containsExactlyInAnyOrderElementsOf(
              Chart.SERVICE_KEYS.stream().map(k -> r.fullname(k)).toList());
    }
    // ConfigMaps may carry a kustomize hash suffix: each Deployment must find its own.
    assertThat(names(manifests, "ConfigMap")).hasSize(Chart.SERVICE_KEYS.size());
    for (String key : Chart.SERVICE_KEYS) {
      assertThat(config(r, manifests, key)).as(key + " ConfigMap").isNotNull();
    }
  }

  /** The data of the ConfigMap a service's Deployment takes its environment from. */
  static Map<String, String> config(Release r, List<Manifest> manifests, String key) {
    List<String> refs =
        containers(deployment(r, manifests, key)).stream()
            .flatMap(c -> c.getEnvFrom().stream())
            .filter(e -> e.getConfigMapRef() != null)
            .map(e -> e.getConfigMapRef().getName())
            .toList();
    assertThat(refs).as(key + " envFrom configMapRef").hasSize(1);
    return ofKind(manifests, ConfigMap.class).stream()
        .filter(c -> c.getMetadata().getName().equals(refs.get(0)))
        .map(ConfigMap::getData)
        .findFirst()
        .orElseThrow(() -> new AssertionError(key + ": no ConfigMap " + refs.get(0)));
  }

  static void everyContainerHasTheThreeHealthProbesOnTheHttpPort(
      Release r, List<Manifest> manifests) {
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

  static void everyContainerHasCpuAndMemoryRequestsAndLimits(Release r, List<Manifest> manifests) {
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

  static void everyContainerRunsAsNonRootOnAReadOnlyRootFilesystemWithoutCapabilities(
      Release r, List<Manifest> manifests) {
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

  static void rendersNoSecretAndTakesEveryCredentialFromASecretReference(
      Release r, List<Manifest> manifests) {
    assertThat(manifests).noneMatch(m -> m.kind().equals("Secret"));
    for (Deployment deployment : deployments(manifests)) {
      for (Container c : containers(deployment)) {
        for (EnvVar env : c.getEnv()) {
          if (env.getName().matches(".*(PASSWORD|SECRET|TOKEN|USER|MONGODB_URL|_KEY).*")) {
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

  static void pointsEveryServiceAtTheExternalDatastoresItUses(Release r, List<Manifest> manifests) {
    Map<String, Map<String, String>> config =
        Chart.SERVICE_KEYS.stream()
            .collect(Collectors.toMap(r::fullname, key -> config(r, manifests, key)));
    for (String key : Chart.SERVICE_KEYS) {
      assertThat(config.get(r.fullname(key))).containsKey("KAFKA_BOOTSTRAP_SERVERS");
    }
    for (String key : List.of("ingestion", "identity", "segment", "activation")) {
      assertThat(config.get(r.fullname(key)).get("CDP_POSTGRES_URL"))
          .as(key)
          .matches("postgresql://[a-z0-9.-]+:[0-9]+/" + key);
      assertThat(envNames(deployment(r, manifests, key)))
          .contains("CDP_POSTGRES_USER", "CDP_POSTGRES_PASSWORD");
    }
    assertThat(envNames(deployment(r, manifests, "profile"))).contains("CDP_MONGODB_URL");
    // profile-service refuses to start without its crypto keys (no defaults outside dev/test).
    assertThat(envNames(deployment(r, manifests, "profile")))
        .contains("CDP_PROFILE_CRYPTO_ENCRYPTION_KEY", "CDP_PROFILE_CRYPTO_HMAC_KEY");
    // identity-service hashes erased identifiers with a key of its own, from a Secret
    assertThat(envNames(deployment(r, manifests, "identity")))
        .contains("CDP_IDENTITY_CRYPTO_HMAC_KEY");
    assertThat(config.get(r.fullname("profile"))).doesNotContainKey("CDP_POSTGRES_URL");
    for (String key : List.of("ingestion", "segment", "activation")) {
      boolean fromConfig = config.get(r.fullname(key)).containsKey("CDP_REDIS_URL");
      boolean fromSecret = envNames(deployment(r, manifests, key)).contains("CDP_REDIS_URL");
      assertThat(fromConfig ^ fromSecret).as(key + " has CDP_REDIS_URL exactly once").isTrue();
    }
  }

  /** identity, profile, segment and activation read CDP_AUTH_WORKSPACE_TOKENS, from a Secret. */
  static void givesEveryWorkspaceScopedServiceTheOneTokenSetting(
      Release r, List<Manifest> manifests) {
    for (String key : List.of("identity", "profile", "segment", "activation")) {
      EnvVar tokens = env(deployment(r, manifests, key), "CDP_AUTH_WORKSPACE_TOKENS");
      assertThat(tokens.getValue()).as(key).isNull();
      assertThat(tokens.getValueFrom().getSecretKeyRef().getKey())
          .as(key)
          .isEqualTo("workspace-tokens");
    }
    // The gateway has its own auth model (keys and tokens in its database).
    assertThat(envNames(deployment(r, manifests, "ingestion")))
        .doesNotContain("CDP_AUTH_WORKSPACE_TOKENS");
  }

  static void onlyTheGatewayIsExposedOutsideTheRelease(Release r, List<Manifest> manifests) {
    String gateway = r.fullname(GATEWAY_KEY);
    for (Service service : ofKind(manifests, Service.class)) {
      if (!service.getMetadata().getName().equals(gateway)) {
        assertThat(service.getSpec().getType())
            .as(service.getMetadata().getName())
            .isEqualTo("ClusterIP");
      }
    }
    for (Ingress ingress : ofKind(manifests, Ingress.class)) {
      ingress.getSpec().getRules().stream()
          .flatMap(rule -> rule.getHttp().getPaths().stream())
          .forEach(p -> assertThat(p.getBackend().getService().getName()).isEqualTo(gateway));
      assertThat(ingress.getSpec().getDefaultBackend()).isNull();
    }
    for (HTTPRoute route : ofKind(manifests, HTTPRoute.class)) {
      route.getSpec().getRules().stream()
          .flatMap(rule -> rule.getBackendRefs().stream())
          .forEach(b -> assertThat(b.getName()).isEqualTo(gateway));
    }
    Set<String> releasePodNames =
        Chart.SERVICE_KEYS.stream().map(Release::serviceName).collect(Collectors.toSet());
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
                .containsEntry("app.kubernetes.io/instance", r.name());
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

  static void autoscalersAndDisruptionBudgetsTargetTheServicesDeployments(
      Release r, List<Manifest> manifests) {
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
      Deployment target = deployment(r, manifests, pdb.getMetadata().getName());
      assertThat(target.getSpec().getSelector().getMatchLabels())
          .isEqualTo(pdb.getSpec().getSelector().getMatchLabels());
    }
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

  static Deployment deployment(Release r, List<Manifest> manifests, String keyOrName) {
    String name = Chart.SERVICE_KEYS.contains(keyOrName) ? r.fullname(keyOrName) : keyOrName;
    return deployments(manifests).stream()
        .filter(d -> d.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Deployment " + name));
  }

  static List<Container> containers(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers();
  }

  static EnvVar env(Deployment deployment, String name) {
    return containers(deployment).get(0).getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError(deployment.getMetadata().getName() + " has no " + name));
  }

  static List<String> envNames(Deployment deployment) {
    return containers(deployment).stream()
        .flatMap(c -> c.getEnv().stream())
        .map(EnvVar::getName)
        .toList();
  }
}
