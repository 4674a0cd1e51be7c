package io.dpsemu.protocol.auth;

/** Shared access policy names of the service API that the server and its clients agree on. */
public final class ServicePolicyNames {

    /** The policy with every right, named as in DPS: the {@code skn} of the owner's tokens and connection strings. */
    public static final String OWNER = "provisioningserviceowner";

    private ServicePolicyNames() {
    }
}
