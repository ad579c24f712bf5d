package org.opencdp.ingestion.tracking;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.opencdp.ingestion.problem.ProblemException;

/**
 * Decompresses a request body while counting the decompressed bytes, so a gzip bomb is refused
 * after reading at most the limit, never inflated in full.
 */
final class BoundedBody {
  private BoundedBody() {}

  static byte[] decode(byte[] raw, String contentEncoding, int limit) {
    boolean gzip = isGzip(raw, contentEncoding);
    if (!gzip) {
      if (raw.length > limit) {
        throw tooLarge(limit);
      }
      return raw;
    }
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw), 8192)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, raw.length * 4 + 64));
      byte[] buffer = new byte[8192];
      int total = 0;
      int read;
      while ((read = in.read(buffer)) != -1) {
        total += read;
        if (total > limit) {
          throw tooLarge(limit);
        }
        out.write(buffer, 0, read);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw ProblemException.badRequest("The body is not valid gzip.");
    }
  }

  /**
   * Some SDKs gzip without saying so (rudder-node sends gzip as form-urlencoded), so the magic
   * bytes decide as much as the header.
   */
  private static boolean isGzip(byte[] raw, String contentEncoding) {
    boolean magic = raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b;
    return magic || (contentEncoding != null && contentEncoding.toLowerCase().contains("gzip"));
  }

  private static ProblemException tooLarge(int limit) {
    return ProblemException.tooLarge(
        "The request body exceeds " + limit + " bytes once decompressed; send smaller batches.");
  }
}
