package org.opencdp.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker JVM logs its warnings and errors to broker.log, and nothing at INFO or below. */
class BrokerLoggingTest {

  @Test
  void aBrokerThatCannotStartSaysWhyInTheFailure(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> KafkaBroker.startNew(dir, taken.getLocalPort()))
          .isInstanceOf(KafkaBroker.BrokerExited.class)
          .hasMessageContaining(" ERROR ")
          .hasMessageContaining("Address already in use");
    }
    assertThat(Files.readString(dir.resolve("broker.log")))
        .contains("Address already in use")
        .doesNotContain("No SLF4J providers");
  }

  @Test
  void aWarningOfTheBrokerIsInItsLogAndItsInfoMessagesAreNot(@TempDir Path dir) throws Exception {
    try (KafkaBroker broker = KafkaBroker.startNew(dir)) {
      int port = Integer.parseInt(broker.bootstrapServers().replaceAll(".*:", ""));
      // not the Kafka protocol: the broker reads a request size of 1.2 GB and warns
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        OutputStream out = socket.getOutputStream();
        out.write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Path log = dir.resolve("broker.log");
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> assertThat(Files.readString(log)).contains(" WARN ", "closing connection"));
        assertThat(Files.readAllLines(log))
            .as("no INFO, DEBUG or TRACE lines (a started broker writes dozens at INFO)")
            .noneMatch(line -> line.matches("\\S+ (INFO|DEBUG|TRACE) .*"));
      }
    }
  }
}
