package io.dpsemu.server.it;

import com.microsoft.azure.sdk.iot.provisioning.device.AdditionalData;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClient;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationCallback;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderSymmetricKey;
import com.microsoft.azure.sdk.iot.provisioning.security.hsm.SecurityProviderX509Cert;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * A device running the official Azure IoT Java provisioning client, unchanged except that it trusts
 * the server's CA: the SDK has no option for that, so its security provider's SSLContext is
 * overridden, as device-protocol notes describe.
 */
public final class AzureSdkDevice {

    private final String idScope;
    private final TrustManager[] trustManagers;
    private final SSLContext sslContext;
    private final ProvisioningDeviceClientTransportProtocol transport;

    /** A device using MQTT on port 8883. */
    public AzureSdkDevice(String idScope, Path caCertificate) throws Exception {
        this(idScope, caCertificate, ProvisioningDeviceClientTransportProtocol.MQTT);
    }

    /** A device using the given transport: MQTT (8883), MQTT_WS or HTTPS (443). */
    public AzureSdkDevice(String idScope, Path caCertificate, ProvisioningDeviceClientTransportProtocol transport)
            throws Exception {
        this.idScope = idScope;
        this.trustManagers = TestTls.trustManagers(caCertificate);
        // the Java SDK negotiates TLS 1.2 at most, and so does this context
        this.sslContext = SSLContext.getInstance("TLSv1.2");
        this.sslContext.init(null, trustManagers, null);
        this.transport = transport;
    }

    public ProvisioningDeviceClientRegistrationResult register(String registrationId, String key) throws Exception {
        return register(registrationId, key, null);
    }

    ProvisioningDeviceClientRegistrationResult register(String registrationId, String key, String payload)
            throws Exception {
        ProvisioningDeviceClient client = client(registrationId, key);
        try {
            if (payload == null) {
                return client.registerDeviceSync();
            }
            AdditionalData data = new AdditionalData();
            data.setProvisioningPayload(payload);
            return client.registerDeviceSync(data);
        } finally {
            client.close();
        }
    }

    /**
     * Registers through the SDK's callback API, which reports terminal statuses such as DISABLED
     * together with the service's error (the sync API only throws the error).
     */
    Outcome registerWithCallback(String registrationId, String key) throws Exception {
        return registerWithCallback(registrationId, key, null);
    }

    /** The callback API with a registration payload (a JSON text, or null for none). */
    Outcome registerWithCallback(String registrationId, String key, String payload) throws Exception {
        ProvisioningDeviceClient client = client(registrationId, key);
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        try {
            ProvisioningDeviceClientRegistrationCallback callback =
                    (result, error, context) -> outcome.complete(new Outcome(result, error));
            if (payload == null) {
                client.registerDevice(callback, null);
            } else {
                AdditionalData data = new AdditionalData();
                data.setProvisioningPayload(payload);
                client.registerDevice(callback, null, data);
            }
            return outcome.get(90, TimeUnit.SECONDS);
        } finally {
            client.close();
        }
    }

    private ProvisioningDeviceClient client(String registrationId, String key) throws Exception {
        SecurityProviderSymmetricKey security = new SecurityProviderSymmetricKey(key, key, registrationId) {
            @Override
            public SSLContext getSSLContext() {
                return sslContext;
            }
        };
        return ProvisioningDeviceClient.create("localhost", idScope, transport, security);
    }

    /**
     * Registers a device that attests with a certificate: the SDK's X.509 provider, given the leaf,
     * its key and the intermediates it sends in TLS.
     */
    ProvisioningDeviceClientRegistrationResult registerX509(X509Certificate leaf, PrivateKey key,
            List<X509Certificate> intermediates) throws Exception {
        SSLContext withClientCertificate = clientContext(leaf, key, intermediates);
        SecurityProviderX509Cert security = new SecurityProviderX509Cert(leaf, key, intermediates) {
            @Override
            public SSLContext getSSLContext() {
                return withClientCertificate;
            }
        };
        ProvisioningDeviceClient client = ProvisioningDeviceClient.create("localhost", idScope, transport, security);
        try {
            return client.registerDeviceSync();
        } finally {
            client.close();
        }
    }

    private SSLContext clientContext(X509Certificate leaf, PrivateKey key, List<X509Certificate> intermediates)
            throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        chain.addAll(intermediates);
        char[] password = "device".toCharArray();
        keys.setKeyEntry("device", key, password, chain.toArray(new X509Certificate[0]));
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, password);
        SSLContext context = SSLContext.getInstance("TLSv1.2");
        context.init(keyManagers.getKeyManagers(), trustManagers, null);
        return context;
    }

    record Outcome(ProvisioningDeviceClientRegistrationResult result, Exception error) {
    }
}
