package org.opencdp.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The images the chart runs: every service module has a JVM and a native Dockerfile on a minimal
 * base, running as the uid the chart's securityContext expects and exposing the port the chart
 * probes. (No container engine here: the files are checked, not built.)
 */
class DockerfilesTest {

  private static final Pattern EXPOSE = Pattern.compile("(?m)^EXPOSE (\\d+)$");

  private static String dockerfile(String service, String variant) throws IOException {
    Path file =
        Chart.K8S_DIR
            .getParent()
            .resolve(service + "-service/src/main/docker/Dockerfile." + variant);
    assertThat(file).as("Dockerfile").exists();
    return Files.readString(file);
  }

  private static int chartPort(String service) throws IOException {
    var values = Manifests.YAML.readTree(Chart.CHART_DIR.resolve("values.yaml").toFile());
    return values.at("/services/" + service + "/port").asInt();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ingestion", "identity", "profile", "segment", "activation"})
  void jvmImageIsTheFastJarOnUbi9OpenJdk17RuntimeAsUid185(String service) throws IOException {
    String file = dockerfile(service, "jvm");

    assertThat(file)
        .containsPattern("(?m)^FROM registry.access.redhat.com/ubi9/openjdk-17-runtime:");
    assertThat(file).containsPattern("(?m)^USER 185$");
    assertThat(file).contains("target/quarkus-app/lib/", "target/quarkus-app/quarkus/");
    assertThat(file).contains("JAVA_APP_JAR=\"/deployments/quarkus-run.jar\"");
    assertThat(exposedPorts(file)).containsExactly(chartPort(service));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ingestion", "identity", "profile", "segment", "activation"})
  void nativeImageIsTheRunnerOnTheQuarkusMicroImageAsUid185(String service) throws IOException {
    String file = dockerfile(service, "native-micro");

    assertThat(file).containsPattern("(?m)^FROM quay.io/quarkus/(ubi9-)?quarkus-micro-image:");
    assertThat(file).containsPattern("(?m)^USER 185$");
    assertThat(file).contains("target/*-runner");
    assertThat(exposedPorts(file)).containsExactly(chartPort(service));
  }

  private static List<Integer> exposedPorts(String file) {
    Matcher m = EXPOSE.matcher(file);
    List<Integer> ports = new java.util.ArrayList<>();
    while (m.find()) {
      ports.add(Integer.parseInt(m.group(1)));
    }
    return ports;
  }
}
