/** The command line: {@code java -jar switchboard.jar [serve]} and, later, client commands. */
package dev.switchboard.cli;
