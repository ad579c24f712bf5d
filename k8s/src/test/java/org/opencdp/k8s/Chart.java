package org.opencdp.k8s;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The OpenCDP chart under k8s/helm/opencdp, rendered with helm-java (a real Helm, no cluster). */
final class Chart {

  static final Path K8S_DIR = Path.of(System.getProperty("k8s.dir", ".")).toAbsolutePath();
  static final Path CHART_DIR = K8S_DIR.resolve("helm/opencdp");
  static final Path PRODUCTION_VALUES = CHART_DIR.resolve("values-production.yaml");
  static final Path KUSTOMIZE_DIR = K8S_DIR.resolve("kustomize");

  static final String RELEASE = "cdp";
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
            .withKubeVersion("1.31.0");
    if (valuesFile != null) {
      command = command.withValuesFile(valuesFile);
    }
    for (Map.Entry<String, Object> set : sets.entrySet()) {
      command = command.set(set.getKey(), set.getValue());
    }
    return command.call();
  }

  static String templateDefault() {
    return template(null, Map.of());
  }

  static String templateProduction() {
    return template(PRODUCTION_VALUES, Map.of());
  }
}
