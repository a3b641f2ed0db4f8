/**
 * The documentation site under {@code /docs/}: the Markdown files of {@code docs/} and the
 * configuration guide rendered to small HTML pages with working links between them. No servlet,
 * Grizzly or Jakarta types: the standalone server and the WAR each wrap {@link
 * dev.switchboard.docs.DocsSite} in a thin handler, so both serve the same pages.
 */
package dev.switchboard.docs;
