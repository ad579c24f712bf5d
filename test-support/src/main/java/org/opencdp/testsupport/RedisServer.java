package org.opencdp.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** A real Redis server (the binary shipped inside the embedded-redis jar), no persistence. */
public final class RedisServer implements AutoCloseable {
  private final redis.embedded.RedisServer server;
  private final int port;
  private final ProcessHandle process;

  private RedisServer(redis.embedded.RedisServer server, int port, ProcessHandle process) {
    this.server = server;
    this.port = port;
    this.process = process;
  }

  public static RedisServer start(int port) {
    try {
      redis.embedded.RedisServer server =
          redis.embedded.RedisServer.newRedisServer()
              .port(port)
              .bind("127.0.0.1")
              .setting("save \"\"")
              .setting("appendonly no")
              .setting("maxmemory 512mb")
              .build();
      Set<Long> before = childPids();
      server.start();
      return new RedisServer(server, port, newRedisChild(before));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded Redis", e);
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /**
   * The redis-server process (a child of this JVM), for whoever must end it if this JVM dies; empty
   * if it could not be told apart (then only {@link #close()} stops it).
   */
  public Optional<ProcessHandle> process() {
    return Optional.ofNullable(process);
  }

  private static Set<Long> childPids() {
    return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
  }

  /** embedded-redis does not expose its process: the redis child that was not there before. */
  private static ProcessHandle newRedisChild(Set<Long> before) {
    return ProcessHandle.current()
        .children()
        .filter(child -> !before.contains(child.pid()))
        .filter(child -> child.info().command().orElse("").contains("redis-server"))
        .findFirst()
        .orElse(null);
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
