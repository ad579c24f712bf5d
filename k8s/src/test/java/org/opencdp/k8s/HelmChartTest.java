package org.opencdp.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.k8s.Chart.GATEWAY_KEY;
import static org.opencdp.k8s.Invariants.*;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opencdp.k8s.Invariants.Release;
import org.opencdp.k8s.Manifests.Manifest;

/** helm lint and helm template of the chart, with every rendered object checked. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HelmChartTest {

  private static final Release HELM = new Release(Chart.RELEASE, Chart.RELEASE + "-opencdp-");

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

  @Test
  void lintStrictPassesWithTheProductionValues() throws IOException {
    LintResult result = Chart.lintStrict(Chart.PRODUCTION_VALUES);

    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    assertThat(result.getMessages())
        .filteredOn(m -> m.contains("[WARNING]") || m.contains("[ERROR]"))
        .isEmpty();
  }

  @Test
  void lintStrictFailsOnAValueTheSchemaRejects() throws IOException {
    Path bad = Chart.K8S_DIR.resolve("target/values-bad.yaml");
    Files.writeString(bad, "services:\n  ingestion:\n    replicas: two\n");

    LintResult result = Chart.lintStrict(bad);

    assertThat(result.isFailed()).isTrue();
    assertThat(String.join("\n", result.getMessages()))
        .contains("at '/services/ingestion/replicas': got string, want integer");
  }

  @ParameterizedTest(name = "{0} values")
  @MethodSource("renderings")
  void rendersOneDeploymentServiceConfigMapAndNetworkPolicyPerService(
      String values, List<Manifest> manifests) {
    Invariants.rendersOneDeploymentServiceConfigMapAndNetworkPolicyPerService(HELM, manifests);
  }

  @ParameterizedTest(name = "{0} values")
  @MethodSource("renderings")
  void everyContainerHasTheThreeHealthProbesOnTheHttpPort(String values, List<Manifest> manifests) {
    Invariants.everyContainerHasTheThreeHealthProbesOnTheHttpPort(HELM, manifests);
  }

  @ParameterizedTest(name = "{0} values")
  @MethodSource("renderings")
  void everyContainerHasCpuAndMemoryRequestsAndLimits(String values, List<Manifest> manifests) {
    Invariants.everyContainerHasCpuAndMemoryRequestsAndLimits(HELM, manifests);
  }

  @ParameterizedTest(name = "{0} values")
  @MethodSource("renderings")
  void everyContainerRunsAsNonRootOnAReadOnlyRootFilesystemWithoutCapabilities(
      String values, List<Manifest> manifests) {
    Invariants.everyContainerRunsAsNonRootOnAReadOnlyRootFilesystemWithoutCapabilities(
        HELM, manifests);
  }

  @ParameterizedTest(name = "{0} values")
  @MethodSource("renderings")
  void rendersNoSecretAndTakesEveryCredentialFromASecretReference(
      String values, List<Manifest> manifests) {
    Invariants.rendersNoSecretAndTakesEveryCredentialFromASecretReference(HELM, manifests);
  }

  @ParameterizedTest(name = "{0} values")
  @MethodSource("renderings")
  void pointsEveryServiceAtTheExternalDatastoresItUses(String values, List<Manifest> manifests) {
    Invariants.pointsEveryServiceAtTheExternalDatastoresItUses(HELM, manifests);
  }

  @ParameterizedTest(name = "{0} values")
  @MethodSource("renderings")
  void onlyTheGatewayIsExposedOutsideTheRelease(String values, List<Manifest> manifests) {
    Invariants.onlyTheGatewayIsExposedOutsideTheRelease(HELM, manifests);
  }

  @ParameterizedTest(name = "{0} values")
  @MethodSource("renderings")
  void autoscalersAndDisruptionBudgetsTargetTheServicesDeployments(
      String values, List<Manifest> manifests) {
    Invariants.autoscalersAndDisruptionBudgetsTargetTheServicesDeployments(HELM, manifests);
  }

  @Test
  void productionValuesRenderIngressRouteMonitorsAndAKafkaTopicWithDlqForEveryContractTopic() {
    assertThat(names(production, "Ingress")).containsExactly(HELM.fullname(GATEWAY_KEY));
    assertThat(names(production, "HTTPRoute")).containsExactly(HELM.fullname(GATEWAY_KEY));
    assertThat(ofKind(production, ServiceMonitor.class))
        .hasSize(5)
        .allSatisfy(
            sm ->
                assertThat(sm.getSpec().getEndpoints())
                    .allSatisfy(e -> assertThat(e.getPath()).isEqualTo("/q/metrics")));
    // The topic names event-contracts defines (read from its source: no build dependency needed).
    List<String> base = contractTopics();
    assertThat(base).as("topics in event-contracts").contains("cdp.events.raw", "cdp.deliveries");
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
  void productionValuesRenderExampleAlertsThatPointAtTheRunbook() {
    List<PrometheusRule> rules = ofKind(production, PrometheusRule.class);

    assertThat(rules).hasSize(1);
    var alerts =
        rules.get(0).getSpec().getGroups().stream().flatMap(g -> g.getRules().stream()).toList();
    assertThat(alerts)
        .extracting(r -> r.getAlert())
        .contains(
            "OpenCdpConsumerLag", "OpenCdpDeadLetters", "OpenCdpGatewayErrors", "OpenCdpNotReady");
    Set<String> readmeAnchors = readmeAnchors();
    assertThat(alerts)
        .allSatisfy(
            a -> {
              assertThat(a.getExpr().getStrVal()).as(a.getAlert()).isNotBlank();
              assertThat(a.getAnnotations().get("runbook")).startsWith("k8s/README.md#");
              assertThat(readmeAnchors)
                  .as(a.getAlert() + " runbook link names a heading of k8s/README.md")
                  .contains(a.getAnnotations().get("runbook").substring("k8s/README.md#".length()));
            });
    assertThat(alerts.stream().filter(a -> a.getAlert().equals("OpenCdpGatewayErrors")))
        .allSatisfy(
            a -> assertThat(a.getExpr().getStrVal()).contains("service=\"cdp-opencdp-ingestion\""));
  }

  @Test
  void installNotesNameTheSecretsToCreateAndHowToReachTheGateway() {
    String notes = Chart.installDryRunOutput(null);

    assertThat(notes)
        .contains("opencdp-postgresql with keys \"username\" and \"password\"")
        .contains("opencdp-mongodb with key \"url\"")
        .contains(
            "opencdp-profile-crypto with key \"encryption-key\""
                + " (CDP_PROFILE_CRYPTO_ENCRYPTION_KEY of profile-service)")
        .contains(
            "opencdp-auth with key \"workspace-tokens\" (CDP_AUTH_WORKSPACE_TOKENS of"
                + " activation-service, identity-service, profile-service, segment-service,"
                + " optional)")
        .contains("port-forward svc/cdp-opencdp-ingestion 8080");
  }

  @Test
  void productionInstallNotesShowTheGatewayHostAndTheTopics() {
    String notes = Chart.installDryRunOutput(Chart.PRODUCTION_VALUES);

    assertThat(notes)
        .contains("https://track.example.com/")
        .contains("cdp-redis with key \"url\"")
        .contains(
            "cdp-identity-tokens with key \"workspace-tokens\" (CDP_AUTH_WORKSPACE_TOKENS of"
                + " activation-service, identity-service, profile-service, segment-service)")
        .contains("KafkaTopic resources were created for the Strimzi cluster \"events\"");
  }

  @Test
  void defaultValuesRenderNoIngressRouteMonitorOrTopics() {
    assertThat(defaults)
        .extracting(Manifest::kind)
        .doesNotContain("Ingress", "HTTPRoute", "ServiceMonitor", "PrometheusRule", "KafkaTopic");
  }

  @Test
  void configChangeRollsThePodsThroughAChecksumAnnotation() {
    String changed =
        Chart.template(null, Map.of("kafka.bootstrapServers", "other-kafka.kafka.svc:9092"));
    Deployment before = deployment(HELM, defaults, GATEWAY_KEY);
    Deployment after = deployment(HELM, Manifests.parse(changed), GATEWAY_KEY);

    assertThat(after.getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config"))
        .isNotBlank()
        .isNotEqualTo(
            before.getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config"));
  }

  /**
   * Without CDP_AUTH_WORKSPACE_TOKENS a service's workspace API refuses every call on Kubernetes.
   * Every service with one reads that one variable from the same Secret (optional by default,
   * required in production); no per-service variable of old is left, none is set twice (a leftover
   * secretEnv entry next to uses.workspaceTokens would be), and activation keeps its key for
   * destination secrets.
   */
  @ParameterizedTest(name = "{0} values")
  @MethodSource("renderings")
  void everyServiceWithAWorkspaceApiGetsItsTokensFromTheSecret(
      String values, List<Manifest> manifests) {
    boolean byDefault = values.equals("default");
    Set<String> secrets = new HashSet<>();
    for (String key : List.of("identity", "profile", "segment", "activation")) {
      EnvVar tokens = env(deployment(HELM, manifests, key), "CDP_AUTH_WORKSPACE_TOKENS");
      assertThat(tokens.getValue()).as(key).isNull();
      SecretKeySelector secret = tokens.getValueFrom().getSecretKeyRef();
      assertThat(secret.getKey()).as(key).isEqualTo("workspace-tokens");
      assertThat(secret.getOptional())
          .as(key + ": optional by default, required in production")
          .isEqualTo(byDefault);
      secrets.add(secret.getName());
    }
    assertThat(secrets)
        .as("one Secret for every service")
        .containsExactly(byDefault ? "opencdp-auth" : "cdp-identity-tokens");
    for (Deployment deployment : ofKind(manifests, Deployment.class)) {
      assertThat(envNames(deployment))
          .as(deployment.getMetadata().getName())
          .doesNotHaveDuplicates()
          .doesNotContain(
              "CDP_PROFILE_AUTH_WORKSPACE_TOKENS",
              "CDP_SEGMENT_AUTH_WORKSPACE_TOKENS",
              "CDP_ACTIVATION_AUTH_WORKSPACE_TOKENS");
    }
    SecretKeySelector cryptoKey =
        env(deployment(HELM, manifests, "activation"), "CDP_ACTIVATION_ENCRYPTION_KEY")
            .getValueFrom()
            .getSecretKeyRef();
    assertThat(cryptoKey.getName())
        .isEqualTo(byDefault ? "opencdp-activation-crypto" : "cdp-activation-crypto");
    assertThat(cryptoKey.getKey()).isEqualTo("encryption-key");
  }

  @Test
  void secretEnvComesFromTheNamedSecretNeverAsAValue() {
    Deployment profile = deployment(HELM, production, "profile");

    EnvVar key =
        containers(profile).get(0).getEnv().stream()
            .filter(e -> e.getName().equals("CDP_PROFILE_CRYPTO_HMAC_KEY"))
            .findFirst()
            .orElseThrow();
    assertThat(key.getValue()).isNull();
    assertThat(key.getValueFrom().getSecretKeyRef().getName()).isEqualTo("cdp-profile-crypto");
    assertThat(key.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("hmac-key");
  }

  @ParameterizedTest(name = "{0} values")
  @MethodSource("renderings")
  void identityTakesItsHmacKeyFromASecretOptionalByDefaultRequiredInProduction(
      String values, List<Manifest> manifests) {
    boolean byDefault = values.equals("default");
    EnvVar key = env(deployment(HELM, manifests, "identity"), "CDP_IDENTITY_CRYPTO_HMAC_KEY");
    assertThat(key.getValue()).isNull();
    SecretKeySelector secret = key.getValueFrom().getSecretKeyRef();
    assertThat(secret.getName())
        .isEqualTo(byDefault ? "opencdp-identity-crypto" : "cdp-identity-crypto");
    assertThat(secret.getKey()).isEqualTo("hmac-key");
    assertThat(Boolean.TRUE.equals(secret.getOptional())).isEqualTo(byDefault);
  }

  @Test
  void eachServiceMayReachOnlyDnsKafkaAndTheDatastoresItUses() {
    // 53 DNS, 9092/9093 Kafka, 5432 PostgreSQL, 6379 Redis, 27017 MongoDB, 443 webhooks/providers.
    Map<String, Set<Integer>> expected =
        Map.of(
            "ingestion", Set.of(53, 9092, 9093, 5432, 6379),
            "identity", Set.of(53, 9092, 9093, 5432),
            "profile", Set.of(53, 9092, 9093, 27017),
            "segment", Set.of(53, 9092, 9093, 5432, 6379),
            "activation", Set.of(53, 9092, 9093, 5432, 6379, 443));
    for (var service : expected.entrySet()) {
      var egress = policy(defaults, service.getKey()).getSpec().getEgress();
      assertThat(egress)
          .as(service.getKey() + ": every egress rule is limited to ports")
          .allSatisfy(rule -> assertThat(rule.getPorts()).isNotEmpty());
      assertThat(
              egress.stream()
                  .flatMap(rule -> rule.getPorts().stream())
                  .map(port -> port.getPort().getIntVal())
                  .collect(java.util.stream.Collectors.toSet()))
          .as(service.getKey() + " egress ports")
          .isEqualTo(service.getValue());
    }
  }

  @Test
  void byDefaultNoServiceMayCallAnotherOverHttp() {
    for (NetworkPolicy policy : ofKind(defaults, NetworkPolicy.class)) {
      assertThat(policy.getSpec().getEgress())
          .flatExtracting(r -> r.getTo() == null ? List.of() : r.getTo())
          .as(policy.getMetadata().getName() + " egress to release pods")
          .noneMatch(peer -> peer.getPodSelector() != null && peer.getNamespaceSelector() == null);
    }
  }

  @Test
  void allowFromOpensExactlyThatPathInBothPolicies() {
    List<Manifest> manifests =
        Manifests.parse(Chart.template(null, Map.of("services.profile.allowFrom[0]", "ingestion")));
    NetworkPolicy profile = policy(manifests, "profile");
    NetworkPolicy ingestion = policy(manifests, "ingestion");

    assertThat(profile.getSpec().getIngress())
        .anySatisfy(
            rule ->
                assertThat(rule.getFrom())
                    .singleElement()
                    .satisfies(
                        peer ->
                            assertThat(peer.getPodSelector().getMatchLabels())
                                .containsEntry("app.kubernetes.io/name", "ingestion-service")));
    assertThat(ingestion.getSpec().getEgress())
        .anySatisfy(
            rule -> {
              assertThat(rule.getPorts().get(0).getPort().getIntVal()).isEqualTo(8082);
              assertThat(rule.getTo().get(0).getPodSelector().getMatchLabels())
                  .containsEntry("app.kubernetes.io/name", "profile-service");
            });
    assertThat(policy(manifests, "segment").getSpec().getIngress())
        .flatExtracting(r -> r.getFrom())
        .noneMatch(peer -> peer.getPodSelector() != null && peer.getNamespaceSelector() == null);
  }

  @Test
  void internalApiFromIsNeverAppliedToTheGateway() {
    List<Manifest> manifests =
        Manifests.parse(
            Chart.template(
                null,
                Map.of(
                    "networkPolicy.internalApiFrom[0].namespaceSelector.matchLabels.team",
                    "admin")));

    assertThat(policy(manifests, "identity").getSpec().getIngress())
        .flatExtracting(r -> r.getFrom())
        .anyMatch(
            p ->
                p.getNamespaceSelector() != null
                    && "admin".equals(p.getNamespaceSelector().getMatchLabels().get("team")));
    assertThat(policy(manifests, "ingestion").getSpec().getIngress())
        .flatExtracting(r -> r.getFrom() == null ? List.of() : r.getFrom())
        .noneMatch(
            p ->
                p.getNamespaceSelector() != null
                    && "admin".equals(p.getNamespaceSelector().getMatchLabels().get("team")));
  }

  private static NetworkPolicy policy(List<Manifest> manifests, String key) {
    return ofKind(manifests, NetworkPolicy.class).stream()
        .filter(p -> p.getMetadata().getName().equals(HELM.fullname(key)))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void withoutAutoscalingTheDeploymentPinsReplicasAndNoAutoscalerIsRendered() {
    List<Manifest> manifests =
        Manifests.parse(
            Chart.template(
                null,
                Map.of(
                    "services.segment.autoscaling.enabled",
                    false,
                    "services.segment.replicas",
                    4)));

    assertThat(deployment(HELM, manifests, "segment").getSpec().getReplicas()).isEqualTo(4);
    assertThat(names(manifests, "HorizontalPodAutoscaler"))
        .hasSize(4)
        .doesNotContain(HELM.fullname("segment"));
  }

  @Test
  void disabledServiceRendersNothingAndNoPolicyLetsOthersCallIt() {
    List<Manifest> manifests =
        Manifests.parse(Chart.template(null, Map.of("services.profile.enabled", false)));

    assertThat(manifests).noneMatch(m -> m.name().equals(HELM.fullname("profile")));
    assertThat(ofKind(manifests, NetworkPolicy.class))
        .flatExtracting(p -> p.getSpec().getEgress())
        .flatExtracting(r -> r.getTo() == null ? List.of() : r.getTo())
        .noneMatch(
            peer ->
                peer.getPodSelector() != null
                    && Release.serviceName("profile")
                        .equals(
                            peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/name")));
  }

  /**
   * Every {@code "cdp.*"} string constant in event-contracts' main sources (Topics.java and the
   * TOPIC constants of the message records): the module holds only contracts, so each is a topic.
   */
  static List<String> contractTopics() {
    Path sources = Chart.K8S_DIR.getParent().resolve("event-contracts/src/main/java");
    Pattern constant = Pattern.compile("static final String \\w+ = \"(cdp\\.[a-z.]+)\";");
    try (Stream<Path> files = Files.walk(sources)) {
      List<String> names = new java.util.ArrayList<>();
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher m = constant.matcher(Files.readString(file));
        while (m.find()) {
          names.add(m.group(1));
        }
      }
      return names.stream().distinct().toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static com.fasterxml.jackson.databind.JsonNode topic(List<Manifest> topics, String name) {
    return topics.stream()
        .filter(t -> t.raw().path("spec").path("topicName").asText().equals(name))
        .findFirst()
        .orElseThrow()
        .raw()
        .path("spec");
  }

  /** GitHub's anchors of the README's headings: lower case, punctuation dropped, spaces to '-'. */
  private static Set<String> readmeAnchors() {
    try {
      return Files.readAllLines(Chart.K8S_DIR.resolve("README.md")).stream()
          .filter(line -> line.startsWith("#"))
          .map(line -> line.replaceFirst("^#+\\s*", "").toLowerCase(java.util.Locale.ROOT))
          .map(title -> title.replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'))
          .collect(java.util.stream.Collectors.toSet());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
