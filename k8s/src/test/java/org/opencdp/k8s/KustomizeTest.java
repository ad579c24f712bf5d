package org.opencdp.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.opencdp.k8s.Invariants.Release;
import org.opencdp.k8s.Manifests.Manifest;

/**
 * The plain manifests for teams without Helm: k8s/kustomize/base is the chart rendered with its
 * default values (Helm-only labels removed, ConfigMaps turned into a configMapGenerator so a config
 * change rolls the pods), and overlays/production adapts it.
 *
 * <p>The base is generated, never hand-edited: {@code mvn -pl k8s test -Dtest=KustomizeTest
 * -Dk8s.updateBase=true} rewrites it after a chart change; without the flag this test fails when
 * the two drift apart.
 */
class KustomizeTest {

  private static final Path BASE = Chart.KUSTOMIZE_DIR.resolve("base");
  private static final Path OVERLAY = Chart.KUSTOMIZE_DIR.resolve("overlays/production");

  /** Object names in the plain manifests: release "opencdp" gives opencdp-<service key>. */
  private static final Release PLAIN = new Release("opencdp", "opencdp-");

  private static final String HEADER =
      "# Generated from k8s/helm/opencdp with its default values by KustomizeTest; do not edit.\n"
          + "# Regenerate: mvn -pl k8s test -Dtest=KustomizeTest -Dk8s.updateBase=true\n";

  private static final YAMLMapper WRITER =
      YAMLMapper.builder()
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .build();

  @Test
  void baseIsTheChartRenderedWithDefaultValues() throws IOException {
    Map<String, String> expected = generateBase();
    if (Boolean.getBoolean("k8s.updateBase")) {
      Files.createDirectories(BASE);
      for (var file : expected.entrySet()) {
        Files.writeString(BASE.resolve(file.getKey()), file.getValue());
      }
    }
    try (Stream<Path> files = Files.list(BASE)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .as("files in " + BASE)
          .containsExactlyInAnyOrderElementsOf(expected.keySet());
    }
    for (var file : expected.entrySet()) {
      String actual = Files.readString(BASE.resolve(file.getKey()));
      assertThat(Manifests.documents(actual))
          .as(file.getKey() + " differs from the chart: regenerate with -Dk8s.updateBase=true")
          .isEqualTo(Manifests.documents(file.getValue()));
    }
  }

  @Test
  void productionOverlayBuildsAndPassesTheChartsChecks() throws Exception {
    Optional<Path> kubectl = kubectl();
    if (kubectl.isEmpty()) {
      // No kustomize here: check what can be checked without it (see k8s/README.md).
      checkOverlayFilesWithoutKustomize();
      return;
    }
    List<Manifest> manifests = Manifests.parse(kustomize(kubectl.get(), OVERLAY));

    Invariants.checkAll(PLAIN, manifests);
    assertThat(manifests)
        .filteredOn(m -> !m.kind().equals("Namespace"))
        .allSatisfy(m -> assertThat(m.raw().at("/metadata/namespace").asText()).isEqualTo("cdp"));
    Deployment gateway = Invariants.deployment(PLAIN, manifests, "ingestion");
    assertThat(gateway.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("ghcr.io/opencdp/ingestion-service:0.1.0");
    assertThat(Invariants.config(PLAIN, manifests, "identity"))
        .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "events-kafka-bootstrap.kafka.svc:9092")
        .containsEntry("CDP_POSTGRES_URL", "postgresql://cdp-pg-rw.data.svc:5432/identity");
    assertThat(Invariants.names(manifests, "Ingress")).containsExactly("opencdp-ingestion");
    NetworkPolicy gatewayPolicy =
        Invariants.ofKind(manifests, NetworkPolicy.class).stream()
            .filter(p -> p.getMetadata().getName().equals("opencdp-ingestion"))
            .findFirst()
            .orElseThrow();
    assertThat(gatewayPolicy.getSpec().getIngress().get(0).getFrom())
        .as("production restricts the gateway to the ingress controller")
        .isNotEmpty();
    // The overlay replaces /spec/egress/1 by index: it must still be the Kafka rule it meant.
    for (NetworkPolicy policy : Invariants.ofKind(manifests, NetworkPolicy.class)) {
      var kafkaRule = policy.getSpec().getEgress().get(1);
      assertThat(kafkaRule.getPorts())
          .as(policy.getMetadata().getName() + " Kafka egress")
          .singleElement()
          .satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(9092));
      assertThat(kafkaRule.getTo())
          .singleElement()
          .satisfies(
              peer ->
                  assertThat(peer.getNamespaceSelector().getMatchLabels())
                      .containsEntry("kubernetes.io/metadata.name", "kafka"));
    }
  }

  @Test
  void baseBuildsWithKustomizeToTheChartsObjects() throws Exception {
    Optional<Path> kubectl = kubectl();
    if (kubectl.isEmpty()) {
      Invariants.checkAll(PLAIN, baseWithoutKustomize());
      return;
    }
    Invariants.checkAll(PLAIN, Manifests.parse(kustomize(kubectl.get(), BASE)));
  }

  // ---- base generation -------------------------------------------------------------------------

  /** File name -> content of the kustomize base, from the chart's default rendering. */
  static Map<String, String> generateBase() throws IOException {
    String rendered = Chart.template(PLAIN.name(), null, Map.of());
    Map<String, List<ObjectNode>> byFile = new LinkedHashMap<>();
    List<ObjectNode> configMaps = new ArrayList<>();
    for (ObjectNode doc : Manifests.documents(rendered)) {
      stripHelm(doc);
      if (doc.path("kind").asText().equals("ConfigMap")) {
        configMaps.add(doc);
        continue;
      }
      String file = doc.path("kind").asText().toLowerCase() + ".yaml";
      byFile.computeIfAbsent(file, f -> new ArrayList<>()).add(doc);
    }
    Map<String, String> files = new LinkedHashMap<>();
    for (var entry : byFile.entrySet()) {
      StringBuilder out = new StringBuilder(HEADER);
      for (ObjectNode doc : entry.getValue()) {
        out.append("---\n").append(WRITER.writeValueAsString(doc));
      }
      files.put(entry.getKey(), out.toString());
    }
    ObjectNode kustomization = WRITER.createObjectNode();
    kustomization.put("apiVersion", "kustomize.config.k8s.io/v1beta1");
    kustomization.put("kind", "Kustomization");
    ArrayNode resources = kustomization.putArray("resources");
    byFile.keySet().stream().sorted().forEach(resources::add);
    ArrayNode generators = kustomization.putArray("configMapGenerator");
    for (ObjectNode configMap : configMaps) {
      ObjectNode generator = generators.addObject();
      generator.put("name", configMap.at("/metadata/name").asText());
      generator.putObject("options").set("labels", configMap.at("/metadata/labels"));
      ArrayNode literals = generator.putArray("literals");
      configMap
          .path("data")
          .fields()
          .forEachRemaining(e -> literals.add(e.getKey() + "=" + e.getValue().asText()));
    }
    files.put("kustomization.yaml", HEADER + WRITER.writeValueAsString(kustomization));
    return files;
  }

  /** Removes what only makes sense under Helm: its labels and the config checksum annotation. */
  private static void stripHelm(JsonNode node) {
    if (node instanceof ObjectNode object) {
      JsonNode labels = object.get("labels");
      if (labels instanceof ObjectNode l) {
        l.remove(List.of("helm.sh/chart", "app.kubernetes.io/managed-by"));
      }
      JsonNode annotations = object.get("annotations");
      if (annotations instanceof ObjectNode a) {
        a.remove("checksum/config");
        if (a.isEmpty()) {
          object.remove("annotations");
        }
      }
      object.forEach(KustomizeTest::stripHelm);
    } else if (node instanceof ArrayNode array) {
      array.forEach(KustomizeTest::stripHelm);
    }
  }

  // ---- kustomize -------------------------------------------------------------------------------

  private static Optional<Path> kubectl() {
    // KUBECTL=/path/to/kubectl picks one; KUBECTL=none runs the checks a machine without it gets.
    String override = System.getenv("KUBECTL");
    if ("none".equals(override)) {
      return Optional.empty();
    }
    if (override != null && !override.isBlank()) {
      return Optional.of(Path.of(override));
    }
    Optional<Path> onPath =
        Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
            .map(dir -> Path.of(dir, "kubectl"))
            .filter(Files::isExecutable)
            .findFirst();
    // CI machines have kubectl: there the reduced checks must not pass silently in its place.
    assertThat(onPath.isPresent() || !"true".equals(System.getenv("CI")))
        .as(
            "CI=true but no kubectl on the PATH: `kubectl kustomize` must run in CI"
                + " (KUBECTL=/path/to/kubectl, or KUBECTL=none to accept the reduced checks)")
        .isTrue();
    return onPath;
  }

  private static String kustomize(Path kubectl, Path dir) throws Exception {
    Process process =
        new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
            .redirectErrorStream(false)
            .start();
    byte[] out = process.getInputStream().readAllBytes();
    byte[] err = process.getErrorStream().readAllBytes();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("kubectl kustomize finished").isTrue();
    assertThat(process.exitValue())
        .as("kubectl kustomize " + dir + ": " + new String(err, StandardCharsets.UTF_8))
        .isZero();
    return new String(out, StandardCharsets.UTF_8);
  }

  /**
   * Without kustomize: the base's resource files are parsed with the same strict model, and the
   * generator's ConfigMaps are rebuilt from kustomization.yaml, so the chart's checks still run.
   */
  private static List<Manifest> baseWithoutKustomize() throws IOException {
    JsonNode kustomization = Manifests.YAML.readTree(BASE.resolve("kustomization.yaml").toFile());
    StringBuilder all = new StringBuilder();
    for (JsonNode resource : kustomization.path("resources")) {
      all.append("---\n").append(Files.readString(BASE.resolve(resource.asText())));
    }
    for (JsonNode generator : kustomization.path("configMapGenerator")) {
      ObjectNode configMap = Manifests.YAML.createObjectNode();
      configMap.put("apiVersion", "v1").put("kind", "ConfigMap");
      configMap.putObject("metadata").put("name", generator.path("name").asText());
      ObjectNode data = configMap.putObject("data");
      for (JsonNode literal : generator.path("literals")) {
        String[] kv = literal.asText().split("=", 2);
        data.put(kv[0], kv[1]);
      }
      all.append("---\n").append(Manifests.YAML.writeValueAsString(configMap));
    }
    return Manifests.parse(all.toString());
  }

  private static void checkOverlayFilesWithoutKustomize() throws IOException {
    JsonNode kustomization =
        Manifests.YAML.readTree(OVERLAY.resolve("kustomization.yaml").toFile());
    for (JsonNode resource : kustomization.path("resources")) {
      Path path = OVERLAY.resolve(resource.asText()).normalize();
      assertThat(path).as("overlay resource").exists();
      if (Files.isRegularFile(path)) {
        Manifests.parse(Files.readString(path));
      }
    }
    for (JsonNode patch : kustomization.path("patches")) {
      if (patch.has("path")) {
        assertThat(OVERLAY.resolve(patch.path("path").asText())).as("overlay patch").exists();
      }
    }
    Invariants.checkAll(PLAIN, baseWithoutKustomize());
  }
}
