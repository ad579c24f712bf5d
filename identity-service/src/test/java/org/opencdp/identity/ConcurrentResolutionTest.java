package org.opencdp.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.Identifier;
import org.opencdp.identity.support.Events;
import org.opencdp.identity.support.Graph;
import org.opencdp.identity.support.KafkaTestClient;
import org.opencdp.identity.support.TopicsResource;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;

/**
 * Races the same events, in random orders, through two Kafka consumers of the app (test profile:
 * {@code concurrency=2}, keys spread over 4 partitions) and, at the same time, through 8 threads
 * calling the resolver directly with their own transactions. Afterwards the graph must equal the
 * one a sequential run builds: the scenario never hits a limit, so the result is the connected
 * components of the events, whatever the order.
 */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(TopicsResource.class)
@QuarkusTest
class ConcurrentResolutionTest {
  private static final int PEOPLE = 25;
  private static final int THREADS = 8;

  @Inject Graph graph;

  private final KafkaTestClient kafka = KafkaTestClient.get();

  @Test
  void racingConsumersAndThreadsBuildTheSameGraphAsASequentialRun() throws Exception {
    String sequentialWs = Events.workspace("sequential");
    String racingWs = Events.workspace("racing");
    List<EventEnvelope> events = scenario(sequentialWs);
    events.forEach(graph::resolve);
    Map<Identifier, String> sequential = graph.snapshot(sequentialWs);

    List<EventEnvelope> racing = new ArrayList<>();
    events.forEach(event -> racing.add(Events.inWorkspace(event, racingWs)));
    List<EventEnvelope> viaKafka = new ArrayList<>(racing);
    Collections.shuffle(viaKafka, new Random(11));
    ConcurrentLinkedQueue<EventEnvelope> viaThreads = new ConcurrentLinkedQueue<>(racing);
    List<EventEnvelope> threadOrder = new ArrayList<>(racing);
    Collections.shuffle(threadOrder, new Random(23));
    viaThreads.clear();
    viaThreads.addAll(threadOrder);

    ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
    try {
      List<Future<?>> running = new ArrayList<>();
      running.add(pool.submit(() -> viaKafka.forEach(kafka::send)));
      for (int i = 0; i < THREADS; i++) {
        running.add(
            pool.submit(
                () -> {
                  EventEnvelope next;
                  while ((next = viaThreads.poll()) != null) {
                    graph.resolve(next);
                  }
                }));
      }
      for (Future<?> task : running) {
        task.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                kafka.resolved(e -> e.workspaceId().equals(racingWs)).stream()
                        .map(EventEnvelope::messageId)
                        .distinct()
                        .count()
                    == racing.size());

    Map<Identifier, String> raced = graph.snapshot(racingWs);
    assertThat(raced.keySet()).isEqualTo(sequential.keySet());
    assertThat(Graph.partition(raced)).isEqualTo(Graph.partition(sequential)).hasSize(PEOPLE);
    assertThat(graph.storedCounts(racingWs))
        .as("active profiles and their identifier counts")
        .isEqualTo(countsOf(raced));
  }

  private static Map<String, Integer> countsOf(Map<Identifier, String> snapshot) {
    Map<String, Integer> counts = new HashMap<>();
    snapshot.values().forEach(profile -> counts.merge(profile, 1, Integer::sum));
    return counts;
  }

  /** Eight events per person that link eight identifiers; people share nothing. */
  private static List<EventEnvelope> scenario(String ws) {
    List<EventEnvelope> events = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int p = 0; p < PEOPLE; p++) {
      String user = "user-" + p;
      String email = "person" + p + "@shop.io";
      String a1 = "a1-" + p;
      String a2 = "a2-" + p;
      String a3 = "a3-" + p;
      String a4 = "a4-" + p;
      events.add(Events.track(ws, null, a1));
      events.add(Events.withContext(ws, null, a2, Events.device("d1-" + p)));
      events.add(Events.identify(ws, user, a1, Map.of("email", email)));
      events.add(Events.identify(ws, user, a2, null));
      events.add(Events.alias(ws, user, a3));
      events.add(Events.withContext(ws, null, a3, Events.device("d2-" + p)));
      events.add(Events.identify(ws, null, a4, Map.of("email", email)));
      events.add(Events.track(ws, null, a2));
      seen.add(user);
    }
    assertThat(seen).hasSize(PEOPLE);
    return events;
  }
}
