package io.dpsemu.server.service;

import java.util.List;
import java.util.Set;

/** A shared access policy: a name, the rights it grants, and the keys that sign its SAS tokens. */
public record ServicePolicy(String name, Set<String> rights, String primaryKey, String secondaryKey) {

    public List<String> keys() {
        return secondaryKey == null ? List.of(primaryKey) : List.of(primaryKey, secondaryKey);
    }
}
