package org.opencdp.activation.support;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** A real SMTP server (GreenMail) in the test JVM, shared by the test classes. */
public final class Mail {
  private static GreenMail server;
  private static int port;

  private Mail() {}

  public static synchronized int port() {
    if (server == null) {
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
      server.start();
    }
    return port;
  }

  /** The decoded HTML (or text) body of a message. */
  public static String html(MimeMessage message) {
    try {
      return content(message.getContent());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String content(Object content) throws Exception {
    if (content instanceof String s) {
      return s;
    }
    if (content instanceof jakarta.mail.Multipart multipart) {
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < multipart.getCount(); i++) {
        out.append(content(multipart.getBodyPart(i).getContent()));
      }
      return out.toString();
    }
    return String.valueOf(content);
  }

  /** Messages received for one address. */
  public static List<MimeMessage> to(String address) {
    List<MimeMessage> out = new ArrayList<>();
    try {
      for (MimeMessage m : server.getReceivedMessages()) {
        var recipients = m.getRecipients(Message.RecipientType.TO);
        if (recipients != null
            && recipients.length > 0
            && recipients[0].toString().contains(address)) {
          out.add(m);
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
