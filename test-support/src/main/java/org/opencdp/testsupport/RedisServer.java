package org.opencdp.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;

/** A real Redis server (the binary shipped inside the embedded-redis jar), no persistence. */
public final class RedisServer implements AutoCloseable {
  private final redis.embedded.RedisServer server;
  private final int port;

  private RedisServer(redis.embedded.RedisServer server, int port) {
    this.server = server;
    this.port = port;
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
      server.start();
      return new RedisServer(server, port);
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

  @Override
  public void close() {
    try {
      server.stop();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
