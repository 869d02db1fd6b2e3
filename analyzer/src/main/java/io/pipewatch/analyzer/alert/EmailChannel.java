package io.pipewatch.analyzer.alert;

import io.pipewatch.analyzer.alert.AlertSettings.ChannelSettings;
import io.pipewatch.analyzer.alert.AlertSettings.EmailSettings;
import io.pipewatch.analyzer.alert.AlertSettings.StartTls;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.Date;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Sends each notification as an email through SMTP with Jakarta Mail (Eclipse Angus): STARTTLS off,
 * optional or required, or SMTPS ({@code ssl}); login when a user name is set; a plain-text part
 * and, with {@code html = true}, an HTML alternative. The header {@code X-Pipewatch-Notification}
 * carries the notification id (its idempotency key). Sending blocks, so it runs on the channel's
 * own thread. An address the server refuses fails for good; anything else (connection, timeout) is
 * retried.
 */
final class EmailChannel implements AlertChannel {
  /** The header naming the notification. */
  static final String NOTIFICATION_HEADER = "X-Pipewatch-Notification";

  private final ChannelSettings settings;
  private final Session session;
  private final ExecutorService sender;

  EmailChannel(ChannelSettings settings) {
    this.settings = settings;
    EmailSettings e = settings.email();
    Properties p = new Properties();
    String protocol = e.ssl() ? "smtps" : "smtp";
    p.put("mail.transport.protocol", protocol);
    p.put("mail." + protocol + ".host", e.host());
    p.put("mail." + protocol + ".port", String.valueOf(e.port()));
    String timeout = String.valueOf(settings.retry().timeout().toMillis());
    p.put("mail." + protocol + ".connectiontimeout", timeout);
    p.put("mail." + protocol + ".timeout", timeout);
    p.put("mail." + protocol + ".writetimeout", timeout);
    p.put("mail." + protocol + ".starttls.enable", String.valueOf(e.startTls() != StartTls.OFF));
    p.put(
        "mail." + protocol + ".starttls.required",
        String.valueOf(e.startTls() == StartTls.REQUIRED));
    p.put("mail." + protocol + ".auth", String.valueOf(!e.username().isBlank()));
    this.session = Session.getInstance(p);
    this.sender =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "pipewatch-email-" + settings.name());
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public CompletionStage<Delivery> deliver(Notification n) {
    return CompletableFuture.supplyAsync(() -> send(n), sender);
  }

  private Delivery send(Notification n) {
    EmailSettings e = settings.email();
    try {
      MimeMessage message = new MimeMessage(session);
      message.setFrom(new InternetAddress(e.from()));
      for (String to : e.to()) {
        message.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
      }
      message.setSubject(n.subject(), "UTF-8");
      message.setSentDate(new Date(n.createdMillis()));
      message.setHeader(NOTIFICATION_HEADER, n.id());
      String text = EmailBodies.text(n);
      if (e.html()) {
        MimeBodyPart plain = new MimeBodyPart();
        plain.setText(text, "UTF-8", "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(EmailBodies.html(n), "UTF-8", "html");
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(plain);
        alternative.addBodyPart(html);
        message.setContent(alternative);
      } else {
        message.setText(text, "UTF-8");
      }
      message.saveChanges();
      if (e.username().isBlank()) {
        Transport.send(message);
      } else {
        Transport.send(message, e.username(), e.password());
      }
      return Delivery.delivered("sent to " + String.join(", ", e.to()));
    } catch (SendFailedException refused) {
      if (refused.getInvalidAddresses() != null && refused.getInvalidAddresses().length > 0) {
        return Delivery.failed("refused: " + refused.getMessage());
      }
      return Delivery.retry(null, "SendFailedException: " + refused.getMessage());
    } catch (MessagingException | RuntimeException failure) {
      return Delivery.retry(null, failure.getClass().getSimpleName() + ": " + failure.getMessage());
    }
  }

  @Override
  public void close() {
    sender.shutdownNow();
  }
}
