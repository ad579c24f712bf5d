package org.opencdp.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** FLUSHALL on a Redis server, in its own protocol, with no client library needed. */
final class RedisFlush {
  private RedisFlush() {}

  static void flushAll(int port) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write("*1\r\n$8\r\nFLUSHALL\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder reply = new StringBuilder();
      int c;
      while ((c = in.read()) != -1 && c != '\n') {
        reply.append((char) c);
      }
      if (!reply.toString().trim().equals("+OK")) {
        throw new IOException("FLUSHALL answered " + reply);
      }
    }
  }
}
