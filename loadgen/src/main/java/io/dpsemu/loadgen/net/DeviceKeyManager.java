package io.dpsemu.loadgen.net;

import io.dpsemu.loadgen.device.Device;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * One key manager for every X.509 device of a run: the TLS engine of each connection is assigned
 * its device before the handshake, so thousands of devices share one TLS context instead of
 * building one each.
 */
final class DeviceKeyManager extends X509ExtendedKeyManager {

    private final Map<SSLEngine, Device> byEngine = new ConcurrentHashMap<>();
    private final Map<String, Device> byAlias = new ConcurrentHashMap<>();

    void assign(SSLEngine engine, Device device) {
        byAlias.put(device.registrationId(), device);
        byEngine.put(engine, device);
    }

    void release(SSLEngine engine) {
        Device device = byEngine.remove(engine);
        if (device != null) {
            byAlias.remove(device.registrationId());
        }
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        Device device = byEngine.get(engine);
        return device == null ? null : device.registrationId();
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Device device = byAlias.get(alias);
        return device == null ? null : device.certificateChain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Device device = byAlias.get(alias);
        return device == null ? null : device.privateKey();
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
