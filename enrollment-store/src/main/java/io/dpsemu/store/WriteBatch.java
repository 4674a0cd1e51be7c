package io.dpsemu.store;

import java.util.List;

/**
 * Registration records and operations written in one transaction, so that registrations finishing
 * together share one commit (and one sync to disk): see {@link Store#write(WriteBatch)}.
 */
public record WriteBatch(List<RegistrationRecord> registrations, List<OperationRecord> operations) {

    public WriteBatch {
        registrations = List.copyOf(registrations);
        operations = List.copyOf(operations);
    }

    public boolean isEmpty() {
        return registrations.isEmpty() && operations.isEmpty();
    }
}
