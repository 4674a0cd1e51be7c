package io.dpsemu.server.cli.cert;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --ca} and {@code --ca-key}: the CA that signs, for the commands that issue under one. */
final class IssuingCaOptions {

    @Option(names = "--ca", order = 2, paramLabel = "FILE", required = true,
            description = "certificate of the issuing CA (PEM)")
    Path ca;

    @Option(names = "--ca-key", order = 3, paramLabel = "FILE", required = true,
            description = "private key of the issuing CA (PEM)")
    Path caKey;
}
