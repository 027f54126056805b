package floe.run.rest;

import floe.SpecException;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.SecurityOptions;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;

/**
 * TLS for the REST client from Flink's own settings: the truststore of {@code
 * security.ssl.rest.truststore}, and for clusters that authenticate clients ({@code
 * security.ssl.rest.authentication-enabled}) the keystore of {@code security.ssl.rest.keystore}.
 * Without a truststore the JDK's default trust applies (a cluster behind a public certificate).
 */
final class RestTls {
    private RestTls() {}

    static SSLContext context(Configuration conf) {
        try {
            TrustManagerFactory trust = null;
            String truststore = conf.get(SecurityOptions.SSL_REST_TRUSTSTORE);
            if (truststore != null) {
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(load(truststore, conf.get(SecurityOptions.SSL_REST_TRUSTSTORE_TYPE),
                        conf.get(SecurityOptions.SSL_REST_TRUSTSTORE_PASSWORD), "security.ssl.rest.truststore"));
            }
            KeyManagerFactory keys = null;
            String keystore = conf.get(SecurityOptions.SSL_REST_KEYSTORE);
            if (SecurityOptions.isRestSSLAuthenticationEnabled(conf) && keystore != null) {
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                String keyPassword = conf.get(SecurityOptions.SSL_REST_KEY_PASSWORD);
                keys.init(load(keystore, conf.get(SecurityOptions.SSL_REST_KEYSTORE_TYPE),
                        conf.get(SecurityOptions.SSL_REST_KEYSTORE_PASSWORD), "security.ssl.rest.keystore"),
                        keyPassword == null ? new char[0] : keyPassword.toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            return context;
        } catch (SpecException e) {
            throw e;
        } catch (Exception e) {
            throw new SpecException("security.ssl.rest.*: cannot set up TLS for the REST client: " + e.getMessage());
        }
    }

    private static KeyStore load(String file, String type, String password, String option) throws Exception {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new SpecException(option + " " + file + ": no such file");
        }
        KeyStore store = KeyStore.getInstance(type == null ? KeyStore.getDefaultType() : type);
        try (InputStream in = Files.newInputStream(path)) {
            // The password is only handed to the key store, never put in a message.
            store.load(in, password == null ? null : password.toCharArray());
        } catch (java.io.IOException e) {
            throw new SpecException(option + " " + file + ": cannot open (wrong type or password?)");
        }
        return store;
    }
}
