/**
 * What an application plugs into the hub: {@link dev.switchboard.hooks.Decisions} (allow, deny or
 * rewrite what clients do) and {@link dev.switchboard.hooks.HubEventListener} (be told what they
 * did). Plain Java: the CDI integration ({@code dev.switchboard.cdi}) bridges both to beans and
 * events, and a standalone server can set them from code.
 */
@NullMarked
package dev.switchboard.hooks;

import org.jspecify.annotations.NullMarked;
