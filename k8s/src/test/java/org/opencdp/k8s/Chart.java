package org.opencdp.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The OpenCDP chart under k8s/helm/opencdp, rendered with helm-java (a real Helm, no cluster). */
final class Chart {

  static final Path K8S_DIR = Path.of(System.getProperty("k8s.dir", ".")).toAbsolutePath();
  static final Path CHART_DIR = K8S_DIR.resolve("helm/opencdp");
  static final Path PRODUCTION_VALUES = CHART_DIR.resolve("values-production.yaml");
  static final Path KUSTOMIZE_DIR = K8S_DIR.resolve("kustomize");

  static final String RELEASE = "cdp";

  /** The Kubernetes version rendered against (client-only Helm otherwise assumes v1.20). */
  static final String KUBE_VERSION = "1.31.0";

  static final String NAMESPACE = "cdp";

  /** The service keys of values.yaml; ingestion is the public gateway. */
  static final List<String> SERVICE_KEYS =
      List.of("ingestion", "identity", "profile", "segment", "activation");

  static final String GATEWAY_KEY = "ingestion";

  private Chart() {
    if (!Files.isDirectory(CHART_DIR)) {
      throw new IllegalStateException("no chart at " + CHART_DIR);
    }
  }

  static LintResult lintStrict() {
    return new Helm(CHART_DIR).lint().strict().call();
  }

  /**
   * helm lint --strict with a values file. helm-java's lint takes no values file, so this lints a
   * copy of the chart under target/ whose values.yaml is values.yaml merged with the file the way
   * Helm merges (maps deeply, everything else replaced).
   */
  static LintResult lintStrict(Path valuesFile) throws IOException {
    Path copy =
        K8S_DIR.resolve("target/lint-" + valuesFile.getFileName().toString().replace(".yaml", ""));
    if (Files.exists(copy)) {
      try (Stream<Path> old = Files.walk(copy)) {
        for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    try (Stream<Path> files = Files.walk(CHART_DIR)) {
      for (Path source : files.toList()) {
        Path target = copy.resolve(CHART_DIR.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
    JsonNode merged =
        merge(
            Manifests.YAML.readTree(CHART_DIR.resolve("values.yaml").toFile()),
            Manifests.YAML.readTree(valuesFile.toFile()));
    Files.writeString(copy.resolve("values.yaml"), Manifests.YAML.writeValueAsString(merged));
    return new Helm(copy).lint().strict().call();
  }

  private static JsonNode merge(JsonNode base, JsonNode override) {
    if (!(base instanceof ObjectNode b) || !(override instanceof ObjectNode o)) {
      return override;
    }
    ObjectNode result = b.deepCopy();
    o.fields()
        .forEachRemaining(e -> result.set(e.getKey(), merge(b.get(e.getKey()), e.getValue())));
    return result;
  }

  /**
   * helm template with the chart's own values.yaml, plus an optional values file and --set pairs.
   */
  static String template(Path valuesFile, Map<String, Object> sets) {
    return template(RELEASE, valuesFile, sets);
  }

  static String template(String release, Path valuesFile, Map<String, Object> sets) {
    TemplateCommand command =
        new Helm(CHART_DIR)
            .template()
            .withName(release)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    if (valuesFile != null) {
      command = command.withValuesFile(valuesFile);
    }
    for (Map.Entry<String, Object> set : sets.entrySet()) {
      command = command.set(set.getKey(), set.getValue());
    }
    return command.call();
  }

  /** helm install --dry-run (client only): the release notes a user sees after installing. */
  static String installDryRunOutput(Path valuesFile) {
    var install =
        new Helm(CHART_DIR)
            .install()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION)
            .dryRun()
            .clientOnly();
    if (valuesFile != null) {
      install = install.withValuesFile(valuesFile);
    }
    return install.call().getOutput();
  }

  static String templateDefault() {
    return template(null, Map.of());
  }

  static String templateProduction() {
    return template(PRODUCTION_VALUES, Map.of());
  }
}
