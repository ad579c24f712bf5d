package org.opencdp.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A port taken between choosing it and the broker binding it costs a retry, not the build. */
class BrokerStartRetryTest {

  @Test
  void aBrokerWhosePortWasTakenStartsAgainOnAnotherPort(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Integer> offered = new ArrayList<>();
      try (KafkaBroker broker =
          KafkaBroker.startNew(
              dir,
              () -> {
                int port = offered.isEmpty() ? taken.getLocalPort() : FreePorts.next();
                offered.add(port);
                return port;
              })) {
        assertThat(offered).hasSize(2).first().isEqualTo(taken.getLocalPort());
        assertThat(broker.bootstrapServers()).endsWith(":" + offered.get(1));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
          assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
        }
      }
    }
  }
}
