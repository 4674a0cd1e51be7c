package io.dpsemu.server.cli.cert;

import io.dpsemu.server.tls.CertificateIssuer;
import io.dpsemu.server.tls.KeyMaterial;
import io.dpsemu.server.tls.KeyType;
import io.dpsemu.server.tls.Pem;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * What the certificate-making subcommands share: key type, validity, output files, loading the issuer, and
 * the exit codes (0 written, 2 bad input, 1 anything else), always without a stack trace.
 */
abstract class IssueCommand implements Callable<Integer> {

    static final int EXIT_BAD_INPUT = 2;
    static final int EXIT_FAILURE = 1;
    static final int MAX_DAYS = 36_500;
    /** X.509 cannot express a later time (RFC 5280 §4.1.2.5). */
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
    /** RFC 5280 ub-common-name. */
    static final int MAX_COMMON_NAME = 64;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    CertCommand parent;

    @Option(names = "--key-type", paramLabel = "ec|rsa", defaultValue = "ec", order = 10,
            converter = Converters.KeyTypeConverter.class,
            description = "key of the new certificate: ec (ECDSA P-256, default) or rsa (RSA 2048)")
    KeyType keyType;

    @Option(names = "--not-before", paramLabel = "INSTANT", converter = Converters.InstantConverter.class, order = 12,
            description = "start of validity, ISO-8601: 2030-01-31T12:00:00Z, or a date for midnight UTC"
                    + " (default: now minus 1 hour). --days then counts from it: a past instant makes an expired"
                    + " certificate, a future one a not-yet-valid certificate")
    Instant notBefore;

    @Option(names = "--force", order = 15, description = "overwrite existing output files")
    boolean force;

    /** Validity in days, counted from --not-before if given, else from now. */
    abstract int days();

    /** Makes the certificate and writes the files; throws {@link CertInputException} for input to fix. */
    abstract void issue(Instant now, PrintWriter out, PrintWriter err);

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            issue(Instant.now().truncatedTo(ChronoUnit.SECONDS), out, err);
            return 0;
        } catch (CertInputException e) {
            err.println(commandName() + ": " + e.getMessage());
            return EXIT_BAD_INPUT;
        } catch (RuntimeException e) {
            err.println(commandName() + ": failed: " + message(e));
            return EXIT_FAILURE;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private String commandName() {
        return spec.qualifiedName();
    }

    private static String message(Throwable e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        return cause == null || cause.getMessage() == null ? String.valueOf(message)
                : message + ": " + cause.getMessage();
    }

    record Validity(Instant notBefore, Instant notAfter) {
    }

    Validity validity(Instant now) {
        int days = days();
        if (days < 1 || days > MAX_DAYS) {
            throw new CertInputException("--days", "must be between 1 and " + MAX_DAYS + ", got " + days);
        }
        Instant start = notBefore == null ? now : notBefore.truncatedTo(ChronoUnit.SECONDS);
        Instant from = notBefore == null ? now.minus(CertificateIssuer.BACKDATE) : start;
        if (start.isAfter(LATEST.minus(Duration.ofDays(days)))) {
            throw new CertInputException(notBefore == null ? "--days" : "--not-before",
                    "the certificate would end after " + LATEST + ", the latest time X.509 can express");
        }
        return new Validity(from, start.plus(Duration.ofDays(days)));
    }

    /**
     * The validity of a certificate signed by {@code issuer}: a default validity that would outlive the
     * issuer ends with it instead (chains fail once the issuer expires); one asked for with --days or
     * --not-before is kept, with a warning.
     */
    Validity validityUnder(Instant now, X509Certificate issuer, PrintWriter err) {
        Validity validity = validity(now);
        Instant issuerEnd = issuer.getNotAfter().toInstant();
        boolean chosen = spec.commandLine().getParseResult().hasMatchedOption("--days")
                || spec.commandLine().getParseResult().hasMatchedOption("--not-before");
        if (!chosen && validity.notAfter().isAfter(issuerEnd)) {
            validity = new Validity(validity.notBefore(), issuerEnd);
        }
        warnIfOutlivesIssuer(err, validity, issuer);
        return validity;
    }

    /** A CA's common name: 1 to 64 characters, none of them control characters. */
    static String checkCaName(String commonName) {
        if (commonName.isBlank()) {
            throw new CertInputException("--cn", "must not be empty");
        }
        if (commonName.length() > MAX_COMMON_NAME) {
            throw new CertInputException("--cn", "is " + commonName.length() + " characters long; the maximum is "
                    + MAX_COMMON_NAME);
        }
        if (commonName.chars().anyMatch(Character::isISOControl)) {
            throw new CertInputException("--cn", "must not contain control characters");
        }
        return commonName;
    }

    Path resolve(Path path) {
        return parent.resolve(path);
    }

    /** The signing CA: the first certificate of --ca, with the --ca-key it must match (both files resolved). */
    record Issuer(Path file, Path keyFile, List<X509Certificate> certificates, PrivateKey key) {

        X509Certificate certificate() {
            return certificates.get(0);
        }
    }

    Issuer loadIssuer(IssuingCaOptions options) {
        Path caFile = resolve(options.ca);
        Path caKeyFile = resolve(options.caKey);
        List<X509Certificate> certificates = readCertificates("--ca", caFile);
        PrivateKey key;
        try {
            key = Pem.readPrivateKey(caKeyFile);
        } catch (IllegalArgumentException e) {
            throw new CertInputException("--ca-key", e.getMessage());
        }
        X509Certificate ca = certificates.get(0);
        String name = Certificates.subject(ca);
        if (!KeyMaterial.matches(key, ca)) {
            throw new CertInputException("--ca-key", caKeyFile + ": this " + key.getAlgorithm()
                    + " key does not belong to " + name + ", the first certificate in " + caFile);
        }
        if (ca.getBasicConstraints() < 0) {
            throw new CertInputException("--ca", caFile + ": " + name
                    + " is not a CA certificate (basicConstraints CA:false); sign with a certificate made by"
                    + " 'dpsemu cert ca' or 'dpsemu cert intermediate'");
        }
        boolean[] keyUsage = ca.getKeyUsage();
        if (keyUsage != null && !keyUsage[Certificates.KEY_CERT_SIGN]) {
            throw new CertInputException("--ca", caFile + ": " + name
                    + " may not sign certificates (keyUsage lacks keyCertSign)");
        }
        return new Issuer(caFile, caKeyFile, certificates, key);
    }

    static List<X509Certificate> readCertificates(String option, Path file) {
        try {
            return Pem.readCertificates(file);
        } catch (IllegalArgumentException e) {
            throw new CertInputException(option, e.getMessage());
        }
    }

    /**
     * Refuses output files that are directories, that are one and the same, that are inputs, or that exist
     * without --force: nothing is written unless everything can be.
     *
     * @param inputs input files by the option that named them
     */
    void checkOutputs(Path certificateFile, Path keyFile, Map<String, Path> inputs) {
        if (same(certificateFile, keyFile)) {
            throw new CertInputException("--out-key", keyFile + " is also the --out-cert file");
        }
        for (Map.Entry<String, Path> output : List.of(Map.entry("--out-cert", certificateFile),
                Map.entry("--out-key", keyFile))) {
            Path file = output.getValue();
            for (Map.Entry<String, Path> input : inputs.entrySet()) {
                if (same(file, input.getValue())) {
                    throw new CertInputException(output.getKey(), file + " is also the " + input.getKey() + " file");
                }
            }
            if (Files.isDirectory(file)) {
                throw new CertInputException(output.getKey(), file + " is a directory");
            }
            if (Files.exists(file) && !force) {
                throw new CertInputException(output.getKey(), file + " already exists (use --force to overwrite it)");
            }
        }
    }

    /** Key first: a certificate file never points at a key that was not written. */
    static void write(Path certificateFile, List<X509Certificate> certificates, Path keyFile, PrivateKey key) {
        createParent(keyFile);
        createParent(certificateFile);
        Pem.writePrivateKey(keyFile, key);
        Pem.writeCertificates(certificateFile, certificates);
    }

    private static void createParent(Path file) {
        Path directory = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory " + directory, e);
        }
    }

    private static boolean same(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    /** Warns when the new certificate is valid outside its issuer's validity: allowed, but chains then fail. */
    private static void warnIfOutlivesIssuer(PrintWriter err, Validity validity, X509Certificate issuer) {
        Instant issuerStart = issuer.getNotBefore().toInstant();
        Instant issuerEnd = issuer.getNotAfter().toInstant();
        if (validity.notBefore().isBefore(issuerStart) || validity.notAfter().isAfter(issuerEnd)) {
            err.println("warning: the new certificate is valid outside the validity of its issuer "
                    + Certificates.subject(issuer) + " (" + issuerStart + " to " + issuerEnd
                    + "): chain validation fails whenever the issuer is not valid");
        }
    }
}
