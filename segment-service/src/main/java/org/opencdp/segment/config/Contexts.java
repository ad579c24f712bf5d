package org.opencdp.segment.config;

import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Supplier;

/**
 * Runs background work (jobs, timers, relay, tests, benchmark) on a fresh Vert.x duplicated
 * context: Hibernate Reactive keeps its session in the context, so concurrent units of work must
 * not share one.
 */
@ApplicationScoped
public class Contexts {
  private final Vertx vertx;

  public Contexts(Vertx vertx) {
    this.vertx = vertx;
  }

  public <T> Uni<T> run(Supplier<Uni<T>> work) {
    Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
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
}
