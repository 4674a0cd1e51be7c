package io.dpsemu.protocol.enrollment;

import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code customAllocationDefinition}: the webhook of the {@code custom} allocation policy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CustomAllocationDefinition(String webhookUrl, String apiVersion) {
}
