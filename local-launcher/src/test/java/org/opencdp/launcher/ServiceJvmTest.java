package org.opencdp.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceJvmTest {

  @Test
  void aServiceWithoutAYoungGenerationSizeStartsSmallAndLetsTheJvmSizeIt() {
    List<String> options = ServiceJvm.options(256, 0);

    assertThat(options).contains("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC");
    assertThat(options).noneMatch(option -> option.startsWith("-Xmn"));
  }

  @Test
  void aFixedYoungGenerationFitsInTheInitialHeapSoTheSerialCollectorUsesAllOfIt() {
    List<String> options = ServiceJvm.options(320, 128);

    assertThat(options).contains("-Xmn128m", "-Xmx320m");
    int initialMiB =
        options.stream()
            .filter(option -> option.startsWith("-Xms"))
            .map(option -> Integer.parseInt(option.replaceAll("\\D", "")))
            .findFirst()
            .orElseThrow();
    assertThat(initialMiB).isGreaterThan(128).isLessThanOrEqualTo(320);
  }

  @Test
  void thePlatformGivesProfileAndSegmentServiceAYoungGenerationThatFitsTheirHeap() {
    for (String name : List.of("profile-service", "segment-service")) {
      LocalPlatform.ServiceSpec spec =
          LocalPlatform.ServiceSpec.ALL.stream()
              .filter(s -> s.name().equals(name))
              .findFirst()
              .orElseThrow();

      assertThat(spec.youngMiB()).as(name).isPositive().isLessThan(spec.heapMiB() / 2);
    }
  }
}
