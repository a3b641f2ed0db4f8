/**
 * The CDI integration, for a Jakarta EE application that runs Switchboard (the WAR, or the library
 * in its WEB-INF/lib): {@code @Inject Channels} through {@link
 * dev.switchboard.cdi.ChannelsProducer}, the hub's events fired as CDI events and the application's
 * {@link dev.switchboard.hooks.Decisions} beans asked before what clients do ({@link
 * dev.switchboard.cdi.CdiBridge}, installed by {@link dev.switchboard.cdi.CdiDeploymentHook}).
 * Loads only where the container has CDI; JSON-P and JSON-B are used when present. Not in the
 * standalone jar.
 */
@NullMarked
package dev.switchboard.cdi;

import org.jspecify.annotations.NullMarked;
