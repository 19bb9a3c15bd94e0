package org.servicerecovery.localinfra;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority that lives for one run: its key pair and the server certificates it signs are made with the
 * JDK's {@code keytool} in a directory of their own, so secured local servers get certificates clients can verify
 * (chain and host name) without anything installed on the machine.
 */
public final class ThrowawayCa {

    /** Loopback as the servers bind it and as clients name it. */
    public static final String LOOPBACK_NAMES = "ip:127.0.0.1,dns:localhost";
    private static final int VALIDITY_DAYS = 2;

    private final Path dir;
    private final String password;

    private ThrowawayCa(Path dir, String password) {
        this.dir = dir;
        this.password = password;
    }

    /** A server's certificate and key, in the forms Kafka (PKCS12) and PostgreSQL (PEM, key readable by its owner only) take. */
    public record ServerCertificate(Path pkcs12, String password, Path certificateChainPem, Path privateKeyPem) {
    }

    /** A new CA in {@code dir}, which holds its key store and {@code ca.pem}, the certificate clients trust. */
    public static ThrowawayCa create(Path dir, String commonName) throws IOException {
        Files.createDirectories(dir);
        ThrowawayCa ca = new ThrowawayCa(dir, UUID.randomUUID().toString());
        ca.keytool("-genkeypair", "-keystore", ca.keyStore().toString(), "-alias", "ca", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=" + commonName, "-validity", String.valueOf(VALIDITY_DAYS),
                "-ext", "bc:c");
        ca.keytool("-exportcert", "-rfc", "-keystore", ca.keyStore().toString(), "-alias", "ca",
                "-file", ca.certificatePem().toString());
        return ca;
    }

    /** The CA certificate (PEM): what a client's trust store holds. */
    public Path certificatePem() {
        return dir.resolve("ca.pem");
    }

    /** A server certificate for {@code subjectAltNames} (keytool syntax, e.g. {@link #LOOPBACK_NAMES}), signed by this CA. */
    public ServerCertificate issueServerCertificate(String name, String subjectAltNames) throws IOException {
        Path store = dir.resolve(name + ".p12");
        Path request = dir.resolve(name + ".csr");
        Path signed = dir.resolve(name + "-signed.pem");
        keytool("-genkeypair", "-keystore", store.toString(), "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + name, "-validity", String.valueOf(VALIDITY_DAYS));
        keytool("-certreq", "-keystore", store.toString(), "-alias", name, "-file", request.toString());
        keytool("-gencert", "-keystore", keyStore().toString(), "-alias", "ca", "-infile", request.toString(),
                "-outfile", signed.toString(), "-rfc", "-validity", String.valueOf(VALIDITY_DAYS),
                "-ext", "san=" + subjectAltNames, "-ext", "eku=serverAuth", "-ext", "ku=digitalSignature");
        keytool("-importcert", "-noprompt", "-keystore", store.toString(), "-alias", "ca", "-file", certificatePem().toString());
        keytool("-importcert", "-keystore", store.toString(), "-alias", name, "-file", signed.toString());
        return exportPem(name, store);
    }

    private ServerCertificate exportPem(String name, Path store) throws IOException {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(in, password.toCharArray());
            Key key = keyStore.getKey(name, password.toCharArray());
            List<String> chain = new ArrayList<>();
            for (var certificate : keyStore.getCertificateChain(name)) {
                chain.add(pem("CERTIFICATE", certificate.getEncoded()));
            }
            Path chainPem = dir.resolve(name + ".pem");
            Files.writeString(chainPem, String.join("", chain));
            Path keyPem = dir.resolve(name + ".key");
            Files.deleteIfExists(keyPem);
            Files.createFile(keyPem, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
            return new ServerCertificate(store, password, chainPem, keyPem);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the key store " + store, e);
        }
    }

    private Path keyStore() {
        return dir.resolve("ca.p12");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", password));
        Path log = dir.resolve("keytool.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed, see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
    }
}
