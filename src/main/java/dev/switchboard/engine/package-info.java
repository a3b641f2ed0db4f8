/**
 * The engine seam: how publications travel between nodes. {@link dev.switchboard.engine.Broker} is
 * the interface; {@code engine.memory} is the embedded single-node engine. Every publish goes
 * through a broker, even on one node, so all engines share one delivery path.
 */
package dev.switchboard.engine;
