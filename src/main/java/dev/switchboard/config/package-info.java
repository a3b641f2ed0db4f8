/**
 * Configuration: one typed table of keys ({@link dev.switchboard.config.Key}: name, default,
 * parser, doc; {@link dev.switchboard.config.Keys#TABLE}), values merged from the bundled defaults
 * file, a configuration file, environment variables, system properties and flags ({@link
 * dev.switchboard.config.Settings}), read key by key from a validated {@link
 * dev.switchboard.config.ServerConfig}. The defaults file is produced from the table ({@link
 * dev.switchboard.config.DefaultsFile}). A leaf: it imports no other Switchboard package. A key
 * whose value is another area's type is declared by the composition root with that area's parser.
 */
package dev.switchboard.config;
