/**
 * What an application embedding Switchboard uses: {@link dev.switchboard.app.Channels}, to publish,
 * read history and presence, and act on users' connections from Java code in the same JVM. Sits on
 * the hub; no Jakarta types, so CDI, EJB and plain Java callers can share it.
 */
package dev.switchboard.app;
