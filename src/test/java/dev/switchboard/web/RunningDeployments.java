package dev.switchboard.web;

import dev.switchboard.assembly.ServerAssembly;

/**
 * Registers a running assembly in {@link Deployments} the way the web initializer does, for tests
 * of code that looks Switchboard up from outside a request (the CDI producer).
 */
public final class RunningDeployments {
  private RunningDeployments() {}

  /** Registers {@code assembly} under {@code application}; closing unregisters it. */
  public static AutoCloseable register(ClassLoader application, ServerAssembly assembly) {
    Deployments.started(application, assembly);
    return () -> Deployments.stopped(application);
  }
}
