package org.opencdp.activation.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * A real HTTP server in the test JVM standing in for webhook receivers, the SMS provider and the
 * audience API. Each test registers its own path with a behaviour (status per call, delay).
 */
public final class Receiver {
  /** One received request. */
  public record Request(
      String method, String path, Map<String, List<String>> headers, String body, long nanos) {
    public String header(String name) {
      for (var e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  /** A registered endpoint: its URL and what it received. */
  public static final class Endpoint {
    public final String url;
    public final List<Request> received = new CopyOnWriteArrayList<>();
    public volatile IntUnaryOperator status;
    public volatile long delayMillis;

    /** Calls (from the first) that wait {@code delayMillis} before answering. */
    public volatile int delayedCalls = Integer.MAX_VALUE;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    /** Most requests this endpoint was answering at the same time. */
    public int maxInFlight() {
      return maxInFlight.get();
    }

    Endpoint(String url, IntUnaryOperator status) {
      this.url = url;
      this.status = status;
    }

    /** Requests answered so far (any status). */
    public int count() {
      return received.size();
    }
  }

  private static HttpServer server;
  private static final Map<String, Endpoint> ENDPOINTS = new ConcurrentHashMap<>();

  private Receiver() {}

  /** A new endpoint answering {@code status.applyAsInt(callNumber)} (call numbers from 1). */
  public static synchronized Endpoint endpoint(IntUnaryOperator status) {
    if (server == null) {
      try {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      server.setExecutor(Executors.newCachedThreadPool());
      server.createContext("/", Receiver::handle);
      server.start();
    }
    String base = "/r/" + UUID.randomUUID();
    Endpoint endpoint =
        new Endpoint("http://127.0.0.1:" + server.getAddress().getPort() + base, status);
    ENDPOINTS.put(base, endpoint);
    return endpoint;
  }

  public static Endpoint endpoint(int status) {
    return endpoint(call -> status);
  }

  private static void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    Endpoint endpoint = null;
    for (var e : ENDPOINTS.entrySet()) {
      if (path.startsWith(e.getKey())) {
        endpoint = e.getValue();
      }
    }
    byte[] body = exchange.getRequestBody().readAllBytes();
    if (endpoint == null) {
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
      return;
    }
    endpoint.received.add(
        new Request(
            exchange.getRequestMethod(),
            path,
            Map.copyOf(exchange.getRequestHeaders()),
            new String(body, StandardCharsets.UTF_8),
            System.nanoTime()));
    int call = endpoint.received.size();
    endpoint.maxInFlight.accumulateAndGet(endpoint.inFlight.incrementAndGet(), Math::max);
    try {
      if (endpoint.delayMillis > 0 && call <= endpoint.delayedCalls) {
        try {
          Thread.sleep(endpoint.delayMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      exchange.sendResponseHeaders(endpoint.status.applyAsInt(call), -1);
    } finally {
      endpoint.inFlight.decrementAndGet();
      exchange.close();
    }
  }
}
