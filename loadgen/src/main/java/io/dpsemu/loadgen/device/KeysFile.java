package io.dpsemu.loadgen.device;

import io.dpsemu.protocol.auth.RegistrationIds;
import io.dpsemu.protocol.auth.SymmetricKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Devices of individual symmetric-key enrollments, from a file of {@code registrationId,base64Key}
 * lines (blank lines and lines starting with {@code #} are skipped), in file order.
 */
public final class KeysFile implements DeviceSource {

    private final List<Device> devices;

    private KeysFile(List<Device> devices) {
        this.devices = devices;
    }

    /** @throws IllegalArgumentException naming the file, the line and what is wrong with it */
    public static KeysFile read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the keys file " + file + ": " + e.getMessage(), e);
        }
        List<Device> devices = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1) + ": ";
            int comma = line.indexOf(',');
            if (comma < 0) {
                throw new IllegalArgumentException(where + "expected registrationId,base64Key");
            }
            String id = line.substring(0, comma).strip();
            String key = line.substring(comma + 1).strip();
            Optional<String> idProblem = RegistrationIds.problem(id);
            if (idProblem.isPresent()) {
                throw new IllegalArgumentException(where + idProblem.get());
            }
            Optional<String> keyProblem = SymmetricKeys.problem(key);
            if (keyProblem.isPresent()) {
                throw new IllegalArgumentException(where + "the key of '" + id + "' " + keyProblem.get());
            }
            if (!seen.add(RegistrationIds.normalize(id))) {
                throw new IllegalArgumentException(where + "'" + id + "' is listed twice");
            }
            devices.add(Device.withKey(id, key));
        }
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("the keys file " + file + " lists no device");
        }
        return new KeysFile(List.copyOf(devices));
    }

    @Override
    public long size() {
        return devices.size();
    }

    @Override
    public Device device(long index) {
        return devices.get(Math.toIntExact(index));
    }

    @Override
    public String attestation() {
        return "keys-file";
    }
}
