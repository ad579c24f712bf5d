package org.opencdp.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreePortsTest {

  @Test
  void neverHandsOutTheSamePortTwice() {
    // many probes in a row: the OS alone would repeat ports (each probe releases its port at once)
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      ports.add(FreePorts.next());
    }
    assertThat(ports).doesNotHaveDuplicates().allMatch(p -> p > 0 && p < 65_536);
  }
}
