package dev.switchboard.http;

import java.io.InputStream;
import java.net.InetAddress;
import java.util.function.Function;

/**
 * An HTTP request as the API sees it.
 *
 * @param method the method, upper case
 * @param path the path below the server root, without query
 * @param query the raw query string, or null
 * @param header looks up a request header by name (case-insensitive), null when absent
 * @param remote the caller's address
 * @param contentLength the declared body length, or -1 when unknown
 * @param body the request body; the API reads at most its size limit plus one byte
 */
public record ApiRequest(
    String method,
    String path,
    String query,
    Function<String, String> header,
    InetAddress remote,
    long contentLength,
    InputStream body) {}
