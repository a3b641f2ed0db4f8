package dev.switchboard.web;

import dev.switchboard.assembly.ServerAssembly;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.EngineKeys;
import dev.switchboard.config.ServerConfig;
import dev.switchboard.config.ServerKeys;
import dev.switchboard.config.Settings;
import dev.switchboard.server.WebSocketEndpoints;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.annotation.WebListener;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Starts Switchboard inside a Jakarta EE web container. The assembly lives as long as the web
 * application; nothing is static, so two deployments in one container are independent.
 *
 * <p>Configuration: the bundled defaults, then the file named by the context parameter, system
 * property or environment variable {@code switchboard.config} / {@code SWITCHBOARD_CONFIG}, then
 * environment variables and system properties as for the standalone server. The keys of the
 * standalone listener ({@code server.*}, {@code tls.*}, {@code static.dir}) do not apply: the
 * container owns the port, TLS and the pages.
 */
@WebListener
public final class SwitchboardListener implements ServletContextListener {
  private static final System.Logger LOG = System.getLogger(SwitchboardListener.class.getName());
  private static final String ASSEMBLY_ATTRIBUTE = ServerAssembly.class.getName();

  @Override
  public void contextInitialized(ServletContextEvent event) {
    ServletContext ctx = event.getServletContext();
    ServerConfig config = loadConfig(ctx);
    ServerContainer container = (ServerContainer) ctx.getAttribute(ServerContainer.class.getName());
    if (container == null) {
      throw new IllegalStateException(
          "this container offers no Jakarta WebSocket ServerContainer; Switchboard cannot run"
              + " here");
    }
    ServerAssembly assembly;
    try {
      assembly = new ServerAssembly(config, List.of());
    } catch (ConfigException e) {
      // A value another area parses (origins, API keys, Redis prefix) is checked here.
      LOG.log(Level.ERROR, "Switchboard configuration is invalid: " + e.getMessage());
      throw e;
    }
    assembly.endpoints().prepare(container);
    try {
      for (ServerEndpointConfig endpoint : assembly.endpoints().configs()) {
        container.addEndpoint(endpoint);
      }
    } catch (DeploymentException e) {
      assembly.close();
      throw new IllegalStateException("WebSocket endpoint registration failed", e);
    }
    ServletRegistration.Dynamic api =
        ctx.addServlet("switchboard-api", new ApiServlet(assembly.api()));
    api.addMapping("/health", "/ready", "/api/*");
    api.setLoadOnStartup(1);
    api.setAsyncSupported(true); // ApiServlet answers after the engine does, in async mode
    ctx.addServlet("switchboard-docs", new DocsServlet(ctx)).addMapping("/docs/*");
    ServletRegistration.Dynamic paths =
        ctx.addServlet(
            "switchboard-endpoint-paths",
            new EndpointPathsServlet(
                assembly.endpoints().origins(), assembly.hub().metrics(), () -> stop(ctx)));
    paths.addMapping(WebSocketEndpoints.HUB_PATH, WebSocketEndpoints.ECHO_PATH);
    paths.setLoadOnStartup(1); // in service from the start, so that its destroy() runs at undeploy
    ctx.setAttribute(ASSEMBLY_ATTRIBUTE, assembly);
    LOG.log(
        Level.INFO,
        "Switchboard "
            + ServerAssembly.version()
            + " started in "
            + ctx.getServerInfo()
            + " at context path '"
            + ctx.getContextPath()
            + "' (engine "
            + config.get(EngineKeys.ENGINE)
            + ")");
  }

  @Override
  public void contextDestroyed(ServletContextEvent event) {
    stop(event.getServletContext());
  }

  /**
   * Closes every client with 1001 "server shutting down", waits up to {@code shutdown.timeout} for
   * them, and stops the assembly; the first caller does it. Called when the endpoint-paths servlet
   * is taken out of service (before the container closes sessions on its own, where it does) and
   * again, as a no-op, when the context is destroyed.
   */
  private static void stop(ServletContext ctx) {
    ServerAssembly assembly;
    synchronized (SwitchboardListener.class) {
      assembly = (ServerAssembly) ctx.getAttribute(ASSEMBLY_ATTRIBUTE);
      if (assembly == null) {
        return;
      }
      ctx.removeAttribute(ASSEMBLY_ATTRIBUTE);
    }
    assembly.drain(assembly.config().get(ServerKeys.SHUTDOWN_TIMEOUT));
    assembly.close();
    LOG.log(Level.INFO, "Switchboard stopped at context path '" + ctx.getContextPath() + "'");
  }

  private static ServerConfig loadConfig(ServletContext ctx) {
    String file = ctx.getInitParameter("switchboard.config");
    if (file == null) {
      file = System.getProperty("switchboard.config", System.getenv("SWITCHBOARD_CONFIG"));
    }
    try {
      Settings settings =
          Settings.load(
              file == null || file.isBlank() ? null : Path.of(file),
              System.getenv(),
              System.getProperties(),
              Map.of());
      settings.warnings().forEach(w -> LOG.log(Level.WARNING, "Switchboard: " + w));
      return ServerConfig.from(settings);
    } catch (ConfigException e) {
      LOG.log(Level.ERROR, "Switchboard configuration is invalid: " + e.getMessage());
      throw e;
    }
  }
}
