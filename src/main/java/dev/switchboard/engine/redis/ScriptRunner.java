package dev.switchboard.engine.redis;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Runs the engine's Lua scripts, each call in the order it was issued relative to the calls before
 * it on the same channel: {@link ScriptCalls} on one Redis, {@link ClusterScripts} on a cluster
 * (one {@link ScriptCalls} per primary, chosen by the slot of the call's first key).
 */
interface ScriptRunner {
  /** {@code source} as this runner sends it: tagged text and digest. */
  ScriptCalls.Script script(String source);

  /** Runs {@code script}; the result is what the script returned, as a list. */
  CompletionStage<List<Object>> run(ScriptCalls.Script script, byte[][] keys, byte[][] args);

  /** Calls resent with their script's text after a NOSCRIPT, for the engine's stats. */
  long resent();
}
