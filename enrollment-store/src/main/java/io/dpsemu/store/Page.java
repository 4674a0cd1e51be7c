package io.dpsemu.store;

import java.util.List;

/** One page of a list; {@code continuation} is {@code null} on the last page, an opaque token otherwise. */
public record Page<T>(List<T> items, String continuation) {

    public Page {
        items = List.copyOf(items);
    }
}
