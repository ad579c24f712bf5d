package org.opencdp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stream of track events through the gateway's {@code /v1/batch}, sent the way an SDK does: fixed
 * batches from several client threads, each event with its own messageId, and a failed request
 * (503, 429, 5xx, connection error) retried with the same body after a pause, so that the gateway's
 * dedup on messageId is what keeps a retry from counting twice.
 *
 * <p>Event {@code i} belongs to user {@code i % users}; the first {@code u % 13} events of user
 * {@code u} are {@code Order Completed}, the others {@code Product Viewed}. What was sent per user
 * is counted while the batches are built, never derived from a formula at assertion time.
 *
 * <p>Batches are handed out only below a gate that the drill schedule opens step by step, so that
 * every drill happens while events are still flowing.
 */
final class DrillStream {
  static final String ORDER = "Order Completed";
  private static final String VIEW = "Product Viewed";
  private static final Duration GIVE_UP = Duration.ofMinutes(10);

  private final String batchUrl;
  private final String authorization;
  private final String run;
  private final int users;
  private final List<Batch> batches = new ArrayList<>();
  private final Map<String, Integer> eventsPerUser = new HashMap<>();
  private final Map<String, Integer> ordersPerUser = new HashMap<>();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final AtomicInteger nextBatch = new AtomicInteger();
  private volatile int gate;
  final AtomicLong accepted = new AtomicLong();
  final AtomicLong duplicates = new AtomicLong();
  final AtomicLong retried503 = new AtomicLong();
  final AtomicLong retried429 = new AtomicLong();
  final AtomicLong retriedOther5xx = new AtomicLong();
  final AtomicLong retriedConnection = new AtomicLong();
  final AtomicInteger batchesDone = new AtomicInteger();
  final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

  /** One request body and the messageIds in it. */
  record Batch(int index, String body, List<String> messageIds) {}

  /** What the gateway said to one batch in the end. */
  record Outcome(long accepted, long duplicates) {}

  DrillStream(
      String gatewayUrl, String writeKey, String run, int events, int users, int batchSize) {
    this.batchUrl = gatewayUrl + "/v1/batch";
    this.authorization =
        "Basic "
            + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
    this.run = run;
    this.users = users;
    for (int first = 0; first < events; first += batchSize) {
      batches.add(batch(batches.size(), first, Math.min(events, first + batchSize)));
    }
    this.gate = batches.size();
  }

  private Batch batch(int index, int from, int to) {
    ObjectNode body = Http.JSON.createObjectNode();
    ArrayNode events = body.putArray("batch");
    List<String> ids = new ArrayList<>(to - from);
    String now = Instant.now().toString();
    for (int i = from; i < to; i++) {
      String userId = userId(i % users);
      int occurrence = eventsPerUser.merge(userId, 1, Integer::sum) - 1;
      boolean order = occurrence < (i % users) % 13;
      if (order) {
        ordersPerUser.merge(userId, 1, Integer::sum);
      }
      String messageId = "drill-" + run + "-" + i;
      ids.add(messageId);
      ObjectNode event = events.addObject();
      event
          .put("type", "track")
          .put("event", order ? ORDER : VIEW)
          .put("userId", userId)
          .put("messageId", messageId)
          .put("timestamp", now);
      event.putObject("properties").put("seq", i).put("revenue", order ? 10 : 0);
    }
    body.put("sentAt", now);
    return new Batch(index, body.toString(), ids);
  }

  String userId(int user) {
    return "drill-" + run + "-u" + user;
  }

  int users() {
    return users;
  }

  List<Batch> batches() {
    return batches;
  }

  int expectedEvents(String userId) {
    return eventsPerUser.getOrDefault(userId, 0);
  }

  int expectedOrders(String userId) {
    return ordersPerUser.getOrDefault(userId, 0);
  }

  /** Batches handed out so far (sent or being sent). */
  int batchesTaken() {
    return Math.min(nextBatch.get(), batches.size());
  }

  /** Lets client threads take batches up to (excluding) {@code limit}. */
  void openGateTo(int limit) {
    gate = Math.min(limit, batches.size());
  }

  /** Sends every batch from {@code clients} threads and returns when all are answered. */
  void run(int clients) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        workers.add(pool.submit(this::work));
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private Void work() throws InterruptedException {
    while (true) {
      int index = nextBatch.get();
      if (index >= batches.size()) {
        return null;
      }
      if (index >= gate) {
        Thread.sleep(20);
        continue;
      }
      if (nextBatch.compareAndSet(index, index + 1)) {
        Outcome outcome = sendUntilAnswered(batches.get(index));
        accepted.addAndGet(outcome.accepted());
        duplicates.addAndGet(outcome.duplicates());
        batchesDone.incrementAndGet();
      }
    }
  }

  /**
   * Sends one batch until the gateway gives a final answer, retrying exactly like an SDK: same
   * body, same messageIds. A final error is recorded as a failure for the test to report.
   */
  Outcome sendUntilAnswered(Batch batch) throws InterruptedException {
    long deadline = System.nanoTime() + GIVE_UP.toNanos();
    String lastProblem = "";
    while (System.nanoTime() < deadline) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(batchUrl))
              .timeout(Duration.ofSeconds(30))
              .header("Authorization", authorization)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(batch.body()))
              .build();
      HttpResponse<String> response;
      try {
        response = client.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        retriedConnection.incrementAndGet();
        lastProblem = e.toString();
        Thread.sleep(500);
        continue;
      }
      int status = response.statusCode();
      if (status == 200) {
        return outcome(batch, response.body());
      }
      lastProblem = status + " " + response.body();
      if (status == 503 || status == 429 || status >= 500) {
        (status == 503 ? retried503 : status == 429 ? retried429 : retriedOther5xx)
            .incrementAndGet();
        Thread.sleep(retryAfterMillis(response));
        continue;
      }
      failures.add("batch " + batch.index() + ": " + lastProblem);
      return new Outcome(0, 0);
    }
    failures.add("batch " + batch.index() + " not accepted within " + GIVE_UP + ": " + lastProblem);
    return new Outcome(0, 0);
  }

  private Outcome outcome(Batch batch, String body) {
    try {
      JsonNode answer = Http.JSON.readTree(body);
      if (answer.path("rejected").size() > 0) {
        failures.add("batch " + batch.index() + " rejected events: " + answer.path("rejected"));
      }
      return new Outcome(answer.path("accepted").asLong(), answer.path("duplicates").asLong());
    } catch (IOException e) {
      failures.add("batch " + batch.index() + " answered 200 without JSON: " + body);
      return new Outcome(0, 0);
    }
  }

  /** The gateway's Retry-After, capped: an SDK backs off, but the drill must keep moving. */
  private static long retryAfterMillis(HttpResponse<String> response) {
    long seconds =
        response.headers().firstValue("Retry-After").map(DrillStream::seconds).orElse(1L);
    return Math.max(200, Math.min(seconds, 2) * 1000);
  }

  private static long seconds(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return 1;
    }
  }
}
