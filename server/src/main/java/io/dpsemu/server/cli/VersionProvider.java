package io.dpsemu.server.cli;

import io.dpsemu.server.BuildInfo;
import picocli.CommandLine;

/** {@code dpsemu --version}: the version the build stamped into the jar. */
final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"dpsemu " + BuildInfo.version()};
    }
}
