package io.dpsemu.server.service;

/** The page size a query asks for with {@code x-ms-max-item-count}, within the configured maximum. */
final class PageSizes {

    private PageSizes() {
    }

    static int of(String header, int maxPageSize) {
        if (header == null || header.isBlank()) {
            return maxPageSize;
        }
        try {
            int asked = Integer.parseInt(header.trim());
            return asked <= 0 ? maxPageSize : Math.min(asked, maxPageSize);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(ServiceResponses.MAX_ITEM_COUNT + " must be a number, not '" + header
                    + "'");
        }
    }
}
