package io.dpsemu.server.cli;

import picocli.CommandLine;

/** The version from the jar manifest (set by the build), or "development". */
final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = DpsemuCommand.class.getPackage().getImplementationVersion();
        return new String[] {"dpsemu " + (version == null ? "development" : version)};
    }
}
