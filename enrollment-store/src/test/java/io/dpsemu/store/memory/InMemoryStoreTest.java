package io.dpsemu.store.memory;

import io.dpsemu.store.Store;
import io.dpsemu.store.StoreContractTest;

class InMemoryStoreTest extends StoreContractTest {

    @Override
    protected Store openStore() {
        return new InMemoryStore();
    }
}
