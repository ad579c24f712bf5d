package org.opencdp.identity.service;

import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs a unit of work on a fresh Vert.x duplicated context. Hibernate Reactive keeps the current
 * session in the context, so work that runs concurrently (events resolved in parallel, test and
 * benchmark threads) must each have its own; contexts are spread over the event loops.
 */
@ApplicationScoped
public class DuplicatedContexts {
  private final Vertx vertx;
  private final AtomicInteger next = new AtomicInteger();
  private volatile Context[] roots;

  public DuplicatedContexts(Vertx vertx) {
    this.vertx = vertx;
  }

  public <T> Uni<T> run(Supplier<Uni<T>> work) {
    Context context = VertxContext.createNewDuplicatedContext(root());
    VertxContextSafetyToggle.setContextSafe(context, true);
    return Uni.createFrom()
        .emitter(
            emitter ->
                context.runOnContext(
                    ignored -> {
                      try {
                        work.get().subscribe().with(emitter::complete, emitter::fail);
                      } catch (RuntimeException e) {
                        emitter.fail(e);
                      }
                    }));
  }

  private Context root() {
    Context[] current = roots;
    if (current == null) {
      synchronized (this) {
        if (roots == null) {
          int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
          Context[] created = new Context[loops];
          for (int i = 0; i < loops; i++) {
            created[i] = ((VertxInternal) vertx).createEventLoopContext();
          }
          roots = created;
        }
        current = roots;
      }
    }
    return current[Math.floorMod(next.getAndIncrement(), current.length)];
  }
}
