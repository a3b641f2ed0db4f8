package dev.switchboard.war.wildfly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.http.ApiKey;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.WsClient;
import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The JMS bridges in the WAR on WildFly's built-in messaging (the {@code standalone-full} profile):
 * the connection factory is the container's, found by its JNDI name {@code
 * java:/ConnectionFactory}, and the queues are the ones the archive's {@code
 * WEB-INF/switchboard-jms.xml} defines. An application servlet in the same archive ({@link
 * JmsProbeServlet}) sends to the source's queue and reads the sink's queue with the container's
 * default factory, as the application beside Switchboard would.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
// The pom runs it in war-in-wildfly only; this keeps it there under -Dit.test too.
@EnabledIfSystemProperty(named = "arquillian.launch", matches = "wildfly")
class JmsBridgeIT {
  private static final String KEY = "jms-it-key-0123456789abcdef";
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** This run's own channels: the queues and the Redis engine outlive one run. */
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

  @ArquillianResource private URL base;

  /**
   * The web.xml of the test's WAR, in place of the one switchboard.war packs: Switchboard's keys as
   * context parameters, the HTTP API on for the bridges' figures.
   */
  private static final String WEB_XML =
      """
      <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
        %s
      </web-app>
      """
          .formatted(
              param("web.api", "true")
                  + param("api.keys", ApiKey.forConfig("it", KEY, ApiKey.Scope.ADMIN))
                  + param("namespace.jmschat.history.size", "10")
                  + param("bridge.jms.in.jndi", "java:/ConnectionFactory")
                  + param("bridge.jms.in.destination", "queue:switchboard-in")
                  + param("bridge.jms.in.channel-property", "channel")
                  + param("bridge.jms.out.jndi", "java:/ConnectionFactory")
                  + param("bridge.jms.out.destination", "queue:switchboard-out")
                  + param("bridge.jms.out.forward-channels", "jmschat:*"));

  /** The queues, as an application defines them in its archive for WildFly. */
  static final String JMS_XML =
      """
      <messaging-deployment xmlns="urn:jboss:messaging-activemq-deployment:1.0">
        <server>
          <jms-destinations>
            <jms-queue name="switchboard-in">
              <entry name="java:/jms/queue/switchboard-in"/>
            </jms-queue>
            <jms-queue name="switchboard-out">
              <entry name="java:/jms/queue/switchboard-out"/>
            </jms-queue>
          </jms-destinations>
        </server>
      </messaging-deployment>
      """;

  private static String param(String key, String value) {
    return "<context-param><param-name>switchboard."
        + key
        + "</param-name><param-value>"
        + value
        + "</param-value></context-param>\n";
  }

  @Deployment(testable = false)
  static WebArchive war() {
    File war = new File(System.getProperty("test.switchboard.war", "target/switchboard.war"));
    return ShrinkWrap.createFromZipFile(WebArchive.class, war)
        .setWebXML(new StringAsset(WEB_XML))
        .addAsWebInfResource(new StringAsset(JMS_XML), "switchboard-jms.xml")
        .addClass(JmsProbeServlet.class);
  }

  private URI http(String path) {
    try {
      return base.toURI().resolve(path);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private URI ws() {
    URI http = http("ws");
    try {
      return new URI("ws", null, http.getHost(), http.getPort(), http.getPath(), null, null);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private void sendInContainer(String channel, String text) {
    Http.Response r =
        Http.post(
            http("jms-probe?channel=" + encode(channel) + "&text=" + encode(text)),
            "text/plain",
            new byte[0]);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private Http.Response receiveInContainer(String selector) {
    return Http.get(http("jms-probe?selector=" + encode(selector)));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private JsonNode bridge(String name) {
    JsonNode all =
        Http.get(http("api/stats"), "Authorization", "Bearer " + KEY).json().path("bridges");
    for (JsonNode b : all) {
      if (b.path("name").asText().equals(name)) {
        return b;
      }
    }
    throw new AssertionError("no bridge " + name + " in " + all);
  }

  @Test
  void aMessageTheApplicationSendsReachesAWebSocketSubscriberOnce() {
    String channel = "orders:" + RUN;
    try (WsClient subscriber = WsClient.connect(ws())) {
      subscriber.ok(id -> new Command.Subscribe(id, channel));
      sendInContainer(channel, "{\"order\":\"" + RUN + "\"}");
      sendInContainer(channel, "\"end\"");

      JsonNode push = subscriber.nextJson();
      assertThat(push.path("channel").asText()).isEqualTo(channel);
      assertThat(push.path("data").path("order").asText()).isEqualTo(RUN);
      // Once: the marker sent next is the very next publication.
      assertThat(subscriber.nextJson().path("data").asText()).isEqualTo("end");
    }
    JsonNode in = bridge("in");
    assertThat(in.path("type").asText()).isEqualTo("jms-source");
    assertThat(in.path("published").asLong()).isGreaterThanOrEqualTo(2);
    assertThat(in.path("duplicates").asLong()).isZero();
  }

  @Test
  void aClientPublicationOnAForwardedChannelReachesTheApplicationsQueue() {
    String chat = "jmschat:" + RUN;
    try (WsClient publisher = WsClient.connect(ws())) {
      publisher.ok(id -> new Command.Publish(id, "other:" + RUN, new Payload.Json("{\"no\":1}")));
      publisher.ok(id -> new Command.Publish(id, chat, new Payload.Json("{\"hi\":1}")));
    }
    // Both of this run's channels: the sink sends in order, so a forwarded "other" came first.
    String ours = "switchboard_channel LIKE '%:" + RUN + "'";
    Http.Response r = receiveInContainer(ours);
    assertThat(r.status()).as("a message on the sink's queue").isEqualTo(200);
    JsonNode m = r.json();
    assertThat(m.path("type").asText()).isEqualTo("text");
    assertThat(m.path("body").asText()).isEqualTo("{\"hi\":1}");
    assertThat(m.path("channel").asText()).isEqualTo(chat);
    assertThat(m.path("offset").asLong()).isEqualTo(1);
    assertThat(m.path("epoch").asText()).isNotEmpty();
    // Counted once the send returned, which can be just after the message was received.
    await().atMost(WAIT).until(() -> bridge("out").path("forwarded").asLong() >= 1);
  }
}
