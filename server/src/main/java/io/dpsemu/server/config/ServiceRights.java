package io.dpsemu.server.config;

import java.util.List;

/** The rights a DPS shared access policy can grant, as DPS names them. */
public final class ServiceRights {

    public static final String SERVICE_CONFIG = "ServiceConfig";
    public static final String ENROLLMENT_READ = "EnrollmentRead";
    public static final String ENROLLMENT_WRITE = "EnrollmentWrite";
    public static final String REGISTRATION_STATUS_READ = "RegistrationStatusRead";
    public static final String REGISTRATION_STATUS_WRITE = "RegistrationStatusWrite";
    public static final List<String> NAMES = List.of(SERVICE_CONFIG, ENROLLMENT_READ, ENROLLMENT_WRITE,
            REGISTRATION_STATUS_READ, REGISTRATION_STATUS_WRITE);

    private ServiceRights() {
    }

    public static boolean isKnown(String right) {
        return NAMES.contains(right);
    }
}
