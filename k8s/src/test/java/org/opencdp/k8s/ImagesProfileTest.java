package org.opencdp.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencdp.k8s.Invariants.Release;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The Maven way to build the images ({@code mvn -Pimages package}, build-parent): it must build
 * from the Dockerfiles that exist, under the names the chart pulls, and keep native images on their
 * own tag. No container engine exists here, so the build itself is not run (see k8s/README.md).
 */
class ImagesProfileTest {

  private static final Path ROOT = Chart.K8S_DIR.getParent();
  private static Element parent;
  private static Map<String, String> images;

  @BeforeAll
  static void readBuildParent() throws Exception {
    var factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document pom =
        factory.newDocumentBuilder().parse(ROOT.resolve("build-parent/pom.xml").toFile());
    parent = pom.getDocumentElement();
    images = properties(profile("images"));
  }

  @Test
  void imagesProfileRunsTheQuarkusImageBuildGoalOnlyWhereTheQuarkusPluginIsDeclared() {
    Element plugin =
        child(
            child(child(child(profile("images"), "build"), "pluginManagement"), "plugins"),
            "plugin");
    assertThat(text(plugin, "artifactId")).isEqualTo("quarkus-maven-plugin");
    assertThat(plugin.getElementsByTagName("goal").item(0).getTextContent())
        .isEqualTo("image-build");
    assertThat(images)
        .as("no engine call unless asked: push is off by default")
        .containsEntry("quarkus.container-image.push", "false");
  }

  @Test
  void imagesAreBuiltFromEachServicesOwnDockerfiles() {
    for (String service : Chart.SERVICE_KEYS) {
      Path module = ROOT.resolve(service + "-service");
      assertThat(module.resolve(images.get("cdp.dockerfile.jvm")))
          .as(service + " JVM Dockerfile")
          .isRegularFile();
      assertThat(module.resolve(images.get("cdp.dockerfile.native")))
          .as(service + " native Dockerfile")
          .isRegularFile();
    }
    Element execution =
        (Element) profile("images").getElementsByTagName("systemProperties").item(0);
    for (String builder : List.of("docker", "podman")) {
      assertThat(text(execution, "quarkus." + builder + ".dockerfile-jvm-path"))
          .isEqualTo("${cdp.dockerfile.jvm}");
      assertThat(text(execution, "quarkus." + builder + ".dockerfile-native-path"))
          .isEqualTo("${cdp.dockerfile.native}");
    }
  }

  @Test
  void defaultImageNamesAreTheOnesTheChartPulls() {
    List<Manifests.Manifest> rendered = Manifests.parse(Chart.templateDefault());
    Release release = new Release(Chart.RELEASE, Chart.RELEASE + "-opencdp-");
    for (String service : Chart.SERVICE_KEYS) {
      Deployment deployment = Invariants.deployment(release, rendered, service);
      String image = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
      String built =
          images.get("quarkus.container-image.registry")
              + "/"
              + images.get("quarkus.container-image.group")
              + "/"
              + service
              + "-service:";
      assertThat(image).as(service).startsWith(built);
    }
  }

  @Test
  void nativeImagesGetTheirOwnTag() {
    assertThat(images.get("quarkus.container-image.tag"))
        .isEqualTo("${project.version}${cdp.image.tag-suffix}");
    assertThat(properties(profile("native"))).containsEntry("cdp.image.tag-suffix", "-native");
    assertThat(properties(parent)).containsEntry("cdp.image.tag-suffix", "");
  }

  private static Element profile(String id) {
    NodeList profiles = child(parent, "profiles").getElementsByTagName("profile");
    for (int i = 0; i < profiles.getLength(); i++) {
      Element profile = (Element) profiles.item(i);
      if (id.equals(text(profile, "id"))) {
        return profile;
      }
    }
    throw new AssertionError("build-parent has no profile " + id);
  }

  private static Map<String, String> properties(Element owner) {
    Map<String, String> properties = new LinkedHashMap<>();
    for (Node n = child(owner, "properties").getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        properties.put(e.getTagName(), e.getTextContent().trim());
      }
    }
    return properties;
  }

  private static Element child(Element owner, String name) {
    for (Node n = owner.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    throw new AssertionError("<" + owner.getTagName() + "> has no <" + name + ">");
  }

  private static String text(Element owner, String name) {
    return child(owner, name).getTextContent().trim();
  }
}
