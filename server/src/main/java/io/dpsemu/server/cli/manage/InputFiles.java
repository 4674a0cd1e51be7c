package io.dpsemu.server.cli.manage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.dpsemu.protocol.json.DpsJson;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Files the user names in options: JSON or YAML documents, and PEM certificates. Problems are bad input. */
final class InputFiles {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Pattern PEM_CERTIFICATE = Pattern.compile(
            "-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\\s]+?-----END CERTIFICATE-----");

    private InputFiles() {
    }

    /** A JSON object from a {@code .json} file, or from YAML ({@code .yaml}, {@code .yml}). */
    static ObjectNode readObject(Path file, String option) {
        byte[] bytes = read(file, option);
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        JsonNode node;
        try {
            node = name.endsWith(".yaml") || name.endsWith(".yml") ? YAML.readTree(bytes)
                    : DpsJson.mapper().readTree(bytes);
        } catch (IOException e) {
            throw new BadInputException(option, file + " is not valid "
                    + (name.endsWith(".json") ? "JSON" : "JSON or YAML")
                    + ": " + firstLine(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw new BadInputException(option, file + " must hold one object, not "
                    + (node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        return (ObjectNode) node;
    }

    /** The first PEM certificate of the file (a device chain file starts with the device's), checked to parse. */
    static String firstCertificate(Path file, String option) {
        String text = new String(read(file, option), StandardCharsets.US_ASCII);
        Matcher matcher = PEM_CERTIFICATE.matcher(text);
        if (!matcher.find()) {
            throw new BadInputException(option, file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        String pem = matcher.group() + "\n";
        try {
            CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
            throw new BadInputException(option, "the certificate in " + file + " does not parse: " + e.getMessage());
        }
        return pem;
    }

    private static byte[] read(Path file, String option) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new BadInputException(option, "no such file: " + file);
        } catch (IOException e) {
            throw new BadInputException(option, "cannot read " + file + ": " + e.getMessage());
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
