package org.opencdp.launcher;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A local HTTP endpoint standing in for a customer's webhook, so the demo shows a real delivery.
 */
public final class WebhookReceiver implements AutoCloseable {
  /** What arrived: the body and the signature and timestamp headers the platform added. */
  public record Received(String body, String signature, String timestamp) {}

  private final HttpServer server;
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

  public WebhookReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/hook",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String signature = exchange.getRequestHeaders().getFirst("X-CDP-Signature");
          String timestamp = exchange.getRequestHeaders().getFirst("X-CDP-Timestamp");
          received.add(new Received(body, signature, timestamp));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  /** The next delivery, waiting at most {@code timeout} for it. */
  public Received await(Duration timeout) {
    try {
      Received first = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (first == null) {
        throw new IllegalStateException("no webhook delivery within " + timeout);
      }
      return first;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
