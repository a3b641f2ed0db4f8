package dev.switchboard.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.TestServers;
import dev.switchboard.web.DeploymentHook;
import jakarta.servlet.ServletContext;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

/**
 * The hook as the web initializer calls it: found through ServiceLoader, it joins the CDI container
 * {@code CDI.current()} finds (Weld SE here) when Switchboard starts and leaves it when it stops.
 * The servlet context is a stand-in holding attributes and the class loader: all the hook uses.
 */
class CdiDeploymentHookTest {
  private final Map<String, Object> attributes = new HashMap<>();
  private final ServletContext context = servletContext(attributes, false);

  @Test
  void theHookIsListedForServiceLoader() {
    List<String> hooks =
        ServiceLoader.load(DeploymentHook.class).stream().map(p -> p.type().getName()).toList();

    assertThat(hooks).contains(CdiDeploymentHook.class.getName());
  }

  @Test
  void withCdiRunningTheBridgeIsInstalledAtStartAndRemovedAtStop() {
    try (StandaloneServer server = TestServers.start();
        WeldContainer cdi =
            new Weld().disableDiscovery().addBeanClasses(TestBeans.Moderation.class).initialize()) {
      CdiDeploymentHook hook = new CdiDeploymentHook();

      hook.started(context, server.assembly());
      assertThat(attributes.get(CdiDeploymentHook.ATTRIBUTE)).isInstanceOf(CdiBridge.class);
      CdiBridge bridge = (CdiBridge) attributes.get(CdiDeploymentHook.ATTRIBUTE);
      assertThat(bridge.decisions().resolved()).hasSize(1);

      hook.stopping(context, server.assembly());
      assertThat(attributes).doesNotContainKey(CdiDeploymentHook.ATTRIBUTE);
    }
  }

  @Test
  void withoutACdiContainerTheHookDoesNothing() {
    try (StandaloneServer server = TestServers.start()) {
      CdiDeploymentHook hook = new CdiDeploymentHook();

      hook.started(context, server.assembly());
      hook.stopping(context, server.assembly());

      assertThat(attributes).isEmpty();
    }
  }

  @Test
  void aContextThatRefusesItsClassLoaderStillGetsTheBridge() {
    // As for a listener an initializer added: getClassLoader() may throw; the TCCL serves.
    ServletContext restricted = servletContext(attributes, true);
    try (StandaloneServer server = TestServers.start();
        WeldContainer cdi =
            new Weld().disableDiscovery().addBeanClasses(TestBeans.Moderation.class).initialize()) {
      CdiDeploymentHook hook = new CdiDeploymentHook();

      hook.started(restricted, server.assembly());
      assertThat(attributes.get(CdiDeploymentHook.ATTRIBUTE)).isInstanceOf(CdiBridge.class);
      hook.stopping(restricted, server.assembly());
    }
  }

  private static ServletContext servletContext(Map<String, Object> attributes, boolean refuse) {
    return (ServletContext)
        Proxy.newProxyInstance(
            CdiDeploymentHookTest.class.getClassLoader(),
            new Class<?>[] {ServletContext.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getClassLoader" -> {
                    if (refuse) {
                      throw new UnsupportedOperationException("getClassLoader");
                    }
                    yield CdiDeploymentHookTest.class.getClassLoader();
                  }
                  case "getContextPath" -> "/app";
                  case "getAttribute" -> attributes.get((String) args[0]);
                  case "setAttribute" -> attributes.put((String) args[0], args[1]);
                  case "removeAttribute" -> attributes.remove((String) args[0]);
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }
}
