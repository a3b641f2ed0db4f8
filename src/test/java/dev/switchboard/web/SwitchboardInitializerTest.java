package dev.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.ConfigException;
import jakarta.servlet.ServletContext;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the initializer decides from the configuration before anything runs: a disabled Switchboard
 * touches nothing of the application, and configuration errors stop the deployment naming their
 * source. (What it registers when it runs: LibraryModeIT and the WAR tests, in real containers.)
 */
class SwitchboardInitializerTest {
  /** Every call the application's context received, by method name. */
  private final List<String> calls = new ArrayList<>();

  @Test
  void disabledItOnlyReadsTheConfigurationAndRegistersNothing() {
    new SwitchboardInitializer()
        .onStartup(
            null, context(Map.of("switchboard.enabled", "false", "switchboard.web.api", "true")));
    assertThat(calls).containsOnly("getInitParameterNames", "getInitParameter", "getContextPath");
  }

  @Test
  void anUnknownContextParameterStopsTheDeploymentNamingIt() {
    assertThatThrownBy(
            () ->
                new SwitchboardInitializer()
                    .onStartup(null, context(Map.of("switchboard.ws.pth", "/x"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("context parameter switchboard.ws.pth");
    assertThat(calls).doesNotContain("addServlet", "addListener");
  }

  @Test
  void theHubCannotTakeTheEchoEndpointsPath() {
    assertThatThrownBy(
            () ->
                new SwitchboardInitializer()
                    .onStartup(
                        null,
                        context(
                            Map.of(
                                "switchboard.ws.path", "/echo", "switchboard.web.echo", "true"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ws.path /echo");
    assertThat(calls).doesNotContain("addServlet", "addListener");
  }

  /** A context with these parameters; any call that would register something fails the test. */
  private ServletContext context(Map<String, String> params) {
    return (ServletContext)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {ServletContext.class},
            (proxy, method, args) -> {
              calls.add(method.getName());
              return switch (method.getName()) {
                case "getInitParameterNames" -> Collections.enumeration(params.keySet());
                case "getInitParameter" -> params.get((String) args[0]);
                case "getContextPath" -> "/app";
                case "getClassLoader" -> getClass().getClassLoader();
                case "getServerInfo" -> "test";
                default -> throw new UnsupportedOperationException(method.getName());
              };
            });
  }
}
