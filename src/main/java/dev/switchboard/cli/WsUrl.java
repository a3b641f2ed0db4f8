package dev.switchboard.cli;

import java.net.URI;
import java.net.URISyntaxException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a WebSocket URL argument. Checking it while the arguments are parsed makes a wrong one (an
 * {@code http://} URL, a missing host) a usage error: one line and exit 64, like any other bad
 * argument, rather than an exception thrown later from inside a command.
 */
final class WsUrl implements ITypeConverter<URI> {
  @Override
  public URI convert(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new TypeConversionException("not a URL: " + e.getMessage());
    }
    if (!"ws".equals(uri.getScheme()) && !"wss".equals(uri.getScheme())) {
      throw new TypeConversionException(
          "a WebSocket URL starts with ws:// or wss://, not " + value);
    }
    if (uri.getHost() == null) {
      throw new TypeConversionException("no host in " + value);
    }
    return uri;
  }
}
