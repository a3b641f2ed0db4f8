/**
 * The Java client: {@link dev.switchboard.client.SwitchboardClient} on the Jakarta WebSocket client
 * API (Tyrus), with reconnect, resubscribe and gap-free recovery. Depends on the protocol package
 * only, and is packaged alone as {@code switchboard-client.jar}.
 */
package dev.switchboard.client;
