package dev.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.assembly.ServerAssembly;
import dev.switchboard.config.ServerConfig;
import jakarta.servlet.ServletContext;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start and stop of one web application's Switchboard, on a real assembly: the endpoints at the
 * configured path, the deployment hooks the application's class loader offers (one whose class
 * cannot load skipped), and a stop that runs once.
 */
class WebDeploymentTest {
  /** What {@link RecordingHook} heard; hooks are made by ServiceLoader, so this is static. */
  static final Queue<String> EVENTS = new ConcurrentLinkedQueue<>();

  /** A hook the application offers; public with a public constructor for ServiceLoader. */
  public static final class RecordingHook implements DeploymentHook {
    public RecordingHook() {}

    @Override
    public void started(ServletContext context, ServerAssembly assembly) {
      EVENTS.add(
          "started " + context.getContextPath() + " " + (Deployments.of(application) == assembly));
    }

    @Override
    public void stopping(ServletContext context, ServerAssembly assembly) {
      EVENTS.add("stopping " + context.getContextPath());
    }
  }

  /** The application's class loader, which RecordingHook looks Switchboard up by. */
  private static ClassLoader application;

  @TempDir Path dir;
  private final Map<String, Object> attributes = new HashMap<>();
  private final List<ServerEndpointConfig> registered = new java.util.ArrayList<>();
  private ServerAssembly assembly;

  @BeforeEach
  void application() throws Exception {
    EVENTS.clear();
    Path services = Files.createDirectories(dir.resolve("META-INF/services"));
    // A hook whose class is not there (as the CDI hook is on a container without CDI), then one
    // that loads.
    Files.writeString(
        services.resolve(DeploymentHook.class.getName()),
        "no.such.CdiHook\n" + RecordingHook.class.getName() + "\n",
        StandardCharsets.UTF_8);
    application = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
    attributes.put(ServerContainer.class.getName(), container());
    assembly = new ServerAssembly(ServerConfig.defaults(Map.of()), List.of());
  }

  @AfterEach
  void closeLoader() throws Exception {
    ((URLClassLoader) application).close();
    assembly.close();
  }

  @Test
  void startRegistersTheHubAtItsPathTellsTheHooksThatLoadAndStopRunsOnce() {
    WebDeployment deployment = new WebDeployment(context(), application, assembly, "/live", false);

    deployment.contextInitialized(null);

    assertThat(registered).extracting(ServerEndpointConfig::getPath).containsExactly("/live");
    assertThat(attributes).containsEntry(ServerAssembly.class.getName(), assembly);
    assertThat(EVENTS).containsExactly("started /app true");

    deployment.stop();
    deployment.contextDestroyed(null);

    assertThat(EVENTS).containsExactly("started /app true", "stopping /app");
    assertThat(Deployments.of(application)).isNull();
    assertThat(attributes).doesNotContainKey(ServerAssembly.class.getName());
    assertThat(assembly.hub().connectionCount()).isZero();
  }

  @Test
  void withEchoBothEndpointsAreRegistered() {
    WebDeployment deployment = new WebDeployment(context(), application, assembly, "/ws", true);
    deployment.contextInitialized(null);
    assertThat(registered)
        .extracting(ServerEndpointConfig::getPath)
        .containsExactly("/ws", "/echo");
    deployment.stop();
  }

  private ServletContext context() {
    return (ServletContext)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {ServletContext.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getContextPath" -> "/app";
                  case "getAttribute" -> attributes.get((String) args[0]);
                  case "setAttribute" -> attributes.put((String) args[0], args[1]);
                  case "removeAttribute" -> attributes.remove((String) args[0]);
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  private ServerContainer container() {
    return (ServerContainer)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {ServerContainer.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "addEndpoint" -> {
                    registered.add((ServerEndpointConfig) args[0]);
                    yield null;
                  }
                  case "setDefaultMaxSessionIdleTimeout" -> null;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }
}
