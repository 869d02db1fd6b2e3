package io.pipewatch.analyzer.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.analyzer.Severity;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The email channel against a real SMTP server (GreenMail) on a free port. */
class EmailChannelTest {
  private GreenMail smtp;

  @BeforeEach
  void start() {
    smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    smtp.start();
  }

  @AfterEach
  void stop() {
    smtp.stop();
  }

  private AlertSettings.ChannelSettings channel(String extra) {
    AlertSettings s =
        AlertSettings.create(
            ConfigFactory.parseString(
                    "pipewatch.alerts.channels.email { host = \"127.0.0.1\", port = "
                        + smtp.getSmtp().getPort()
                        + ", to = \"ops@example.com, oncall@example.com\", from = \"pipewatch@example.com\", starttls = off, "
                        + extra
                        + " }")
                .withFallback(ConfigFactory.defaultReference())
                .resolve());
    return s.channels().stream().filter(c -> c.name().equals("email")).findFirst().orElseThrow();
  }

  private static Notification notification() {
    Alert alert =
        new Alert(
            "a-1",
            "bottleneck/embed/cpu/cpu-saturation",
            Severity.CRITICAL,
            "CPU bottleneck on embed",
            "CPU bottleneck on embed: impact 90 %",
            Map.of("source", "embed", "kind", "cpu", "alertname", "cpu-bottleneck"),
            List.of("cpu-saturation: cpu = 0.99"),
            List.of("embed"),
            1_790_000_000_000L,
            0,
            1_790_000_000_000L,
            AlertStatus.FIRING,
            List.of(),
            null,
            List.of(),
            0,
            false,
            1);
    return new Notification(
        "n-1",
        "email",
        Notification.Kind.FIRING,
        "source=embed,",
        List.of(alert),
        1_790_000_000_000L,
        1_790_000_000_000L,
        0,
        List.of());
  }

  @Test
  void sendsPlainTextAndHtmlToEveryRecipient() throws Exception {
    EmailChannel email = new EmailChannel(channel(""));
    try {
      AlertChannel.Delivery d =
          email.deliver(notification()).toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(d.outcome()).isEqualTo(AlertChannel.Delivery.Outcome.DELIVERED);
    } finally {
      email.close();
    }
    MimeMessage[] received = smtp.getReceivedMessages();
    assertThat(received).hasSize(2); // one copy per recipient mailbox
    MimeMessage m = received[0];
    assertThat(m.getSubject()).isEqualTo("[CRITICAL] CPU bottleneck on embed");
    assertThat(m.getFrom()[0].toString()).isEqualTo("pipewatch@example.com");
    assertThat(m.getRecipients(Message.RecipientType.TO))
        .extracting(Object::toString)
        .containsExactly("ops@example.com", "oncall@example.com");
    assertThat(m.getHeader(EmailChannel.NOTIFICATION_HEADER)).containsExactly("n-1");
    MimeMultipart parts = (MimeMultipart) m.getContent();
    assertThat(parts.getContentType()).startsWith("multipart/alternative");
    assertThat(parts.getCount()).isEqualTo(2);
    assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
    String text = GreenMailUtil.getBody(parts.getBodyPart(0));
    assertThat(text)
        .contains("CPU bottleneck on embed: impact 90 %", "source=embed", "alert id: a-1");
    assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
    assertThat(GreenMailUtil.getBody(parts.getBodyPart(1)))
        .contains("<table", "CPU bottleneck on embed");
  }

  @Test
  void logsInWhenAUserIsSet() throws Exception {
    smtp.setUser("pipewatch@example.com", "pw-user", "s3cret");
    EmailChannel email =
        new EmailChannel(channel("username = pw-user, password = s3cret, html = false"));
    try {
      AlertChannel.Delivery d =
          email.deliver(notification()).toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(d.outcome()).isEqualTo(AlertChannel.Delivery.Outcome.DELIVERED);
    } finally {
      email.close();
    }
    MimeMessage m = smtp.getReceivedMessages()[0];
    assertThat(m.getContentType()).startsWith("text/plain");
    assertThat((String) m.getContent()).contains("CPU bottleneck on embed");
  }

  @Test
  void anUnreachableServerIsRetried() throws Exception {
    EmailChannel email = new EmailChannel(channel("retry.timeout = 2s"));
    smtp.stop();
    try {
      AlertChannel.Delivery d =
          email.deliver(notification()).toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(d.outcome()).isEqualTo(AlertChannel.Delivery.Outcome.RETRY);
    } finally {
      email.close();
      smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
      smtp.start();
    }
  }
}
