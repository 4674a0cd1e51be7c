package io.dpsemu.server.cli.cert;

import io.dpsemu.server.tls.KeyType;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option converters whose errors say what was expected; picocli prefixes them with the option name. */
final class Converters {

    private Converters() {
    }

    /** {@code ec} or {@code rsa}, in any case. */
    static final class KeyTypeConverter implements ITypeConverter<KeyType> {
        @Override
        public KeyType convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "ec" -> KeyType.EC;
                case "rsa" -> KeyType.RSA;
                default -> throw new TypeConversionException("'" + value + "' is not a key type; expected ec or rsa");
            };
        }
    }

    /** An ISO-8601 instant ({@code 2030-01-31T12:00:00Z}, or with an offset), or a date meaning midnight UTC. */
    static final class InstantConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                // Since JDK 12 ISO_INSTANT also parses offsets such as +02:00.
                return DateTimeFormatter.ISO_INSTANT.parse(value, Instant::from);
            } catch (DateTimeException notAnInstant) {
                try {
                    return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
                } catch (DateTimeException notADate) {
                    throw new TypeConversionException("'" + value
                            + "' is not an ISO-8601 instant; expected for example 2030-01-31T12:00:00Z or 2030-01-31");
                }
            }
        }
    }
}
