package dev.switchboard.war.tomcat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessage.Member;
import dev.switchboard.protocol.ServerMessage.Ok;
import dev.switchboard.testing.WsClient;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
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
 * The built WAR behind the container's BASIC authentication (embedded Tomcat, a memory realm): the
 * user Tomcat authenticated for the handshake is the connection's identity, with the permissions
 * {@code auth.role.<role>} gives its roles. Tomcat only: the realm is Tomcat's own.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
// The pom runs it in war-in-tomcat only; this keeps it there under -Dit.test too.
@EnabledIfSystemProperty(named = "arquillian.launch", matches = "tomcat")
class ContainerUserIT {
  private static final Path DIR = Path.of("target", "container-user-it").toAbsolutePath();

  @ArquillianResource private URL base;

  @Deployment(testable = false)
  static WebArchive war() throws IOException {
    Files.createDirectories(DIR);
    Path users = DIR.resolve("users.xml");
    Files.writeString(
        users,
        "<tomcat-users>\n"
            + "  <user username=\"clara\" password=\"clara-pw\" roles=\"clerk\"/>\n"
            + "  <user username=\"otto\" password=\"otto-pw\" roles=\"visitor\"/>\n"
            + "</tomcat-users>\n");
    Path config = DIR.resolve("switchboard.properties");
    Files.writeString(
        config,
        "auth.role.clerk=subscribe:demo:*,presence:demo:*\n"
            + "auth.role.auditor=history:demo:*\n");
    String webXml =
        "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">\n"
            + "  <context-param><param-name>switchboard.config</param-name>"
            + "<param-value>"
            + config
            + "</param-value></context-param>\n"
            + "  <security-constraint>\n"
            + "    <web-resource-collection><web-resource-name>hub</web-resource-name>"
            + "<url-pattern>/ws</url-pattern></web-resource-collection>\n"
            + "    <auth-constraint><role-name>**</role-name></auth-constraint>\n"
            + "  </security-constraint>\n"
            + "  <login-config><auth-method>BASIC</auth-method>"
            + "<realm-name>switchboard</realm-name></login-config>\n"
            + "</web-app>\n";
    String contextXml =
        "<Context><Realm className=\"org.apache.catalina.realm.MemoryRealm\" pathname=\""
            + users
            + "\"/></Context>\n";
    File war = new File(System.getProperty("test.switchboard.war", "target/switchboard.war"));
    return ShrinkWrap.createFromZipFile(WebArchive.class, war)
        .setWebXML(new StringAsset(webXml))
        .addAsManifestResource(new StringAsset(contextXml), "context.xml");
  }

  private URI ws() {
    try {
      URI http = base.toURI().resolve("ws");
      return new URI("ws", null, http.getHost(), http.getPort(), http.getPath(), null, null);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> basic(String user, String password) {
    String pair = user + ":" + password;
    return Map.of(
        "Authorization",
        "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void theContainersUserIsTheConnectionsIdentityWithItsRolesPermissions() {
    try (WsClient clara = WsClient.connect(ws(), basic("clara", "clara-pw"))) {
      clara.ok(id -> new Command.Subscribe(id, "demo:orders"));
      Ok presence = clara.ok(id -> new Command.Presence(id, "demo:orders"));
      assertThat(presence.clients()).extracting(Member::user).containsExactly("clara");
      assertThat(
              clara.error(id -> new Command.Subscribe(id, "news"), ErrorCode.FORBIDDEN).message())
          .isEqualTo("no subscribe permission for news");
      clara.error(
          id -> new Command.History(id, "demo:orders", null, Command.History.ALL, false),
          ErrorCode.FORBIDDEN);
      assertThat(
              clara
                  .error(id -> new Command.Connect(id, "some.token"), ErrorCode.BAD_FIELD)
                  .message())
          .startsWith("already connected");
    }
  }

  @Test
  void aUserInNoConfiguredRoleMayDoNothingAndNoUserIsNotLetIn() {
    try (WsClient otto = WsClient.connect(ws(), basic("otto", "otto-pw"))) {
      otto.error(id -> new Command.Subscribe(id, "demo:orders"), ErrorCode.FORBIDDEN);
    }
    assertThat(WsClient.handshakeStatus(ws(), null)).isEqualTo(401);
  }
}
