package io.dpsemu.server.channel;

import io.dpsemu.server.tls.SslContexts;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.X509Certificate;
import java.util.List;

/** The client certificate chain of a connection, from its (possibly resumed) TLS session. */
public final class TlsPeer {

    private TlsPeer() {
    }

    /** Leaf first; empty when the client sent no certificate or the channel has no TLS. */
    public static List<X509Certificate> certificateChain(Channel channel) {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls == null) {
            return List.of();
        }
        return SslContexts.peerChain(tls.engine().getSession()).map(List::of).orElse(List.of());
    }
}
