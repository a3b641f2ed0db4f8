package dev.switchboard.web;

import dev.switchboard.assembly.ServerAssembly;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.EngineKeys;
import dev.switchboard.config.ServerConfig;
import dev.switchboard.config.Settings;
import dev.switchboard.config.WebKeys;
import dev.switchboard.server.WebSocketEndpoints;
import dev.switchboard.sse.SseSessions;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Starts Switchboard in every web application that carries it (switchboard.war, or the library jar
 * in an application's {@code WEB-INF/lib}): the container finds this class through {@code
 * META-INF/services/jakarta.servlet.ServletContainerInitializer}. The assembly lives as long as the
 * web application; nothing is static, so two applications in one container are independent.
 *
 * <p>Configuration, later sources winning: the bundled defaults; the application's context
 * parameters {@code switchboard.<key>} (what it packaged in its {@code WEB-INF/web.xml}); the file
 * named by the context parameter, system property or environment variable {@code
 * switchboard.config} / {@code SWITCHBOARD_CONFIG}; environment variables; system properties. The
 * keys of the standalone listener ({@code server.*}, {@code tls.*}, {@code static.dir}) do not
 * apply: the container owns the port, TLS and the pages.
 *
 * <p>With {@code enabled=false} nothing is registered and nothing started. Otherwise the hub
 * endpoint listens at {@code ws.path} ({@code /ws}); {@code /echo} ({@code web.echo}), the HTTP API
 * ({@code web.api}: {@code /health}, {@code /ready}, {@code /metrics}, {@code /api/*}) and the docs
 * ({@code web.docs}: {@code /docs/*}) only when their key is true. Servlets are registered here;
 * the WebSocket endpoints once the context is initialized ({@link WebDeployment}), because the
 * order in which a container runs initializers is not specified and its own WebSocket initializer
 * may come after this one.
 */
public final class SwitchboardInitializer implements ServletContainerInitializer {
  private static final System.Logger LOG = System.getLogger(SwitchboardInitializer.class.getName());

  /** Context parameters with this prefix set a key; {@code switchboard.config} names a file. */
  static final String PARAM_PREFIX = Settings.PROPERTY_PREFIX;

  private static final String CONFIG_PARAM = PARAM_PREFIX + "config";

  @Override
  public void onStartup(@Nullable Set<Class<?>> classes, ServletContext ctx) {
    Settings settings = settings(ctx);
    // Read alone first: a disabled Switchboard neither starts nor judges the other keys. Any other
    // value than false is for ServerConfig to accept (true) or refuse with the key's name.
    if (settings.get(WebKeys.ENABLED.name()).equals("false")) {
      LOG.log(
          Level.INFO,
          "Switchboard is disabled at context path '"
              + ctx.getContextPath()
              + "' (enabled=false, from "
              + settings.source(WebKeys.ENABLED.name())
              + "): nothing registered");
      return;
    }
    settings.warnings().forEach(w -> LOG.log(Level.WARNING, "Switchboard: " + w));
    ServerAssembly assembly;
    ServerConfig config;
    try {
      config = ServerConfig.from(settings);
      // Values other areas parse (origins, API keys, Redis prefix) are checked here.
      assembly = new ServerAssembly(config, List.of());
    } catch (ConfigException e) {
      LOG.log(Level.ERROR, "Switchboard configuration is invalid: " + e.getMessage());
      throw e;
    }
    try {
      start(ctx, config, assembly);
    } catch (RuntimeException e) {
      assembly.close();
      throw e;
    }
  }

  private static void start(ServletContext ctx, ServerConfig config, ServerAssembly assembly) {
    String hubPath = config.get(WebKeys.WS_PATH);
    boolean echo = config.get(WebKeys.ECHO);
    if (echo && hubPath.equals(WebSocketEndpoints.ECHO_PATH)) {
      throw new ConfigException(
          "ws.path " + hubPath + " is where web.echo=true serves the echo endpoint: move one");
    }
    WebDeployment deployment =
        new WebDeployment(ctx, ctx.getClassLoader(), assembly, hubPath, echo);
    if (config.get(WebKeys.API)) {
      ServletRegistration.Dynamic api =
          add(
              ctx,
              "switchboard-api",
              new ApiServlet(assembly.api()),
              "/health",
              "/ready",
              "/metrics",
              "/api/*");
      api.setLoadOnStartup(1);
      api.setAsyncSupported(true); // ApiServlet answers after the engine does, in async mode
    }
    SseSessions sse = assembly.sse();
    if (sse != null) {
      String ssePath = ssePath(hubPath);
      if (ssePath.equals(hubPath) || (echo && ssePath.equals(WebSocketEndpoints.ECHO_PATH))) {
        throw new ConfigException(
            "ws.path " + hubPath + " is where the fallback transport (sse.enabled) listens");
      }
      ServletRegistration.Dynamic events =
          add(ctx, "switchboard-sse", new SseServlet(sse), ssePath, ssePath + "/*");
      events.setAsyncSupported(true); // event streams are asynchronous responses
    }
    if (config.get(WebKeys.DOCS)) {
      add(ctx, "switchboard-docs", new DocsServlet(), "/docs/*");
    }
    EndpointPathsServlet pathsServlet =
        new EndpointPathsServlet(
            assembly.endpoints().origins(), assembly.hub().metrics(), deployment::stop);
    ServletRegistration.Dynamic paths =
        echo
            ? add(
                ctx,
                "switchboard-endpoint-paths",
                pathsServlet,
                hubPath,
                WebSocketEndpoints.ECHO_PATH)
            : add(ctx, "switchboard-endpoint-paths", pathsServlet, hubPath);
    paths.setLoadOnStartup(1); // in service from the start, so that its destroy() runs at undeploy
    ctx.addListener(deployment);
    LOG.log(
        Level.INFO,
        "Switchboard "
            + ServerAssembly.version()
            + " starting in "
            + ctx.getServerInfo()
            + " at context path '"
            + ctx.getContextPath()
            + "': hub at "
            + hubPath
            + (echo ? ", echo at " + WebSocketEndpoints.ECHO_PATH : "")
            + (assembly.sse() != null ? ", event streams at " + ssePath(hubPath) : "")
            + (config.get(WebKeys.API) ? ", HTTP API" : "")
            + (config.get(WebKeys.DOCS) ? ", docs" : "")
            + " (engine "
            + config.get(EngineKeys.ENGINE)
            + ")");
  }

  /**
   * Where the fallback transport listens: {@code sse} in the folder of the hub's path ({@code /ws}
   * gives {@code /sse}, {@code /live/hub} gives {@code /live/sse}).
   */
  static String ssePath(String hubPath) {
    return hubPath.substring(0, hubPath.lastIndexOf('/')) + ServerAssembly.SSE_PATH;
  }

  /**
   * Registers {@code servlet} under {@code name} at {@code paths}.
   *
   * @throws IllegalStateException when the application already has a servlet of that name or at one
   *     of those paths: Switchboard would not get the requests it must answer
   */
  private static ServletRegistration.Dynamic add(
      ServletContext ctx, String name, Servlet servlet, String... paths) {
    ServletRegistration.Dynamic registration = ctx.addServlet(name, servlet);
    if (registration == null) {
      throw new IllegalStateException(
          "Switchboard cannot register its servlet '" + name + "': the name is taken");
    }
    Set<String> taken = registration.addMapping(paths);
    if (!taken.isEmpty()) {
      throw new IllegalStateException(
          "Switchboard cannot serve "
              + taken
              + ": the application maps another servlet there (see the keys ws.path, web.echo,"
              + " web.api and web.docs)");
    }
    return registration;
  }

  /**
   * Every source merged; the context parameters {@code switchboard.<key>} as what the application
   * packaged, below the operator's file, environment and system properties.
   */
  static Settings settings(ServletContext ctx) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String name : Collections.list(ctx.getInitParameterNames())) {
      String value = ctx.getInitParameter(name);
      if (name.startsWith(PARAM_PREFIX) && !name.equals(CONFIG_PARAM) && value != null) {
        params.put(name.substring(PARAM_PREFIX.length()), value);
      }
    }
    String file = ctx.getInitParameter(CONFIG_PARAM);
    if (file == null) {
      file = System.getProperty(CONFIG_PARAM, System.getenv("SWITCHBOARD_CONFIG"));
    }
    try {
      return Settings.load(
          new Settings.Packaged("context parameter " + PARAM_PREFIX, params),
          file == null || file.isBlank() ? null : Path.of(file),
          System.getenv(),
          System.getProperties());
    } catch (ConfigException e) {
      LOG.log(Level.ERROR, "Switchboard configuration is invalid: " + e.getMessage());
      throw e;
    }
  }
}
