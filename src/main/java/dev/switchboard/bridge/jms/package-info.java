/**
 * The Jakarta Messaging (JMS 3.1) bridge: a source that publishes a queue's or topic's messages
 * into channels, and a sink that forwards client publications to a destination. Built by the
 * composition root from {@code bridge.jms.<name>.*}; the only package that uses {@code
 * jakarta.jms}. See docs/INTEGRATION.md.
 */
package dev.switchboard.bridge.jms;
