package io.dpsemu.server.tls;

import io.netty.util.NetUtil;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.x509.GeneralName;

/** A subject alternative name, normalised so that names read back from a certificate compare equal. */
record SubjectName(boolean ip, String value) {

    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    /** An IP literal becomes an IP name, anything else a DNS name. */
    static SubjectName parse(String name) {
        String trimmed = name == null ? "" : name.trim();
        if (trimmed.isEmpty() || !trimmed.chars().allMatch(c -> c > ' ' && c < 127)) {
            throw new IllegalArgumentException("invalid TLS name '" + name + "': expected a DNS name or an IP address");
        }
        String unbracketed = trimmed.startsWith("[") && trimmed.endsWith("]")
                ? trimmed.substring(1, trimmed.length() - 1)
                : trimmed;
        if (NetUtil.isValidIpV4Address(unbracketed) || NetUtil.isValidIpV6Address(unbracketed)) {
            // No DNS lookup: the string is a literal. Canonical form makes "0:0:0:0:0:0:0:1" equal "::1".
            return new SubjectName(true,
                    NetUtil.toAddressString(NetUtil.createInetAddressFromIpAddressString(unbracketed)));
        }
        return new SubjectName(false, trimmed.toLowerCase(Locale.ROOT));
    }

    static Set<SubjectName> parseAll(List<String> names) {
        Set<SubjectName> parsed = new LinkedHashSet<>();
        names.forEach(name -> parsed.add(parse(name)));
        return parsed;
    }

    static Set<SubjectName> of(X509Certificate certificate) {
        Collection<List<?>> entries;
        try {
            entries = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("unreadable subject alternative names: " + e.getMessage(), e);
        }
        Set<SubjectName> names = new LinkedHashSet<>();
        if (entries != null) {
            for (List<?> entry : entries) {
                int type = (Integer) entry.get(0);
                if (type == SAN_DNS || type == SAN_IP) {
                    names.add(parse((String) entry.get(1)));
                }
            }
        }
        return names;
    }

    GeneralName toGeneralName() {
        return new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, value);
    }

    @Override
    public String toString() {
        return (ip ? "IP:" : "DNS:") + value;
    }
}
