/**
 * Switchboard inside a web application: {@link dev.switchboard.web.SwitchboardInitializer} (a
 * {@code ServletContainerInitializer}) builds a {@link dev.switchboard.assembly.ServerAssembly}
 * when the application starts, registers its endpoints with the container's own WebSocket
 * implementation and, when configured, its HTTP API and docs as servlets, and tears everything down
 * at undeploy. In the library jar (switchboard-jakarta.jar) and switchboard.war; not in the
 * standalone jar.
 */
package dev.switchboard.web;
