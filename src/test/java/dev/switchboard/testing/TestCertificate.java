package dev.switchboard.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for {@code localhost} and {@code 127.0.0.1} made with the JDK's keytool
 * (no openssl needed): as a PKCS12 keystore for the standalone server, as PEM files for nginx, and
 * as an {@link SSLContext} that trusts it for test clients.
 *
 * @param keystore the PKCS12 keystore, password {@link #PASSWORD}
 * @param certificatePem the certificate in PEM
 * @param privateKeyPem the private key in PEM (unencrypted PKCS #8)
 * @param trust a client context that trusts this certificate only
 */
public record TestCertificate(
    Path keystore, Path certificatePem, Path privateKeyPem, SSLContext trust) {
  public static final String PASSWORD = "changeit";
  private static final String ALIAS = "switchboard";

  /** Makes the certificate and its files in {@code dir}. */
  public static TestCertificate create(Path dir) {
    try {
      Path keystore = dir.resolve("server.p12");
      keytool(keystore);
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keystore)) {
        ks.load(in, PASSWORD.toCharArray());
      }
      Certificate cert = ks.getCertificate(ALIAS);
      Key key = ks.getKey(ALIAS, PASSWORD.toCharArray());
      Path certPem = dir.resolve("cert.pem");
      Path keyPem = dir.resolve("key.pem");
      Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
      Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded())); // getEncoded is PKCS #8
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext trust = SSLContext.getInstance("TLS");
      trust.init(null, tmf.getTrustManagers(), null);
      return new TestCertificate(keystore, certPem, keyPem, trust);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void keytool(Path keystore) throws IOException {
    Process p =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair",
                    "-alias",
                    ALIAS,
                    "-keyalg",
                    "EC",
                    "-groupname",
                    "secp256r1",
                    "-validity",
                    "2",
                    "-dname",
                    "CN=localhost",
                    "-ext",
                    "SAN=dns:localhost,ip:127.0.0.1",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    keystore.toString(),
                    "-storepass",
                    PASSWORD,
                    "-keypass",
                    PASSWORD))
            .redirectErrorStream(true)
            .start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("keytool did not finish within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("interrupted while keytool ran", e);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          "keytool failed: "
              + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
