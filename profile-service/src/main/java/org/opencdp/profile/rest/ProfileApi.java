package org.opencdp.profile.rest;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/** OpenAPI metadata: every {@code /v1} operation takes a workspace bearer token. */
@OpenAPIDefinition(
    info = @Info(title = "OpenCDP profile-service", version = "0.1.0"),
    security = @SecurityRequirement(name = ProfileApi.WORKSPACE_TOKEN))
@SecurityScheme(
    securitySchemeName = ProfileApi.WORKSPACE_TOKEN,
    type = SecuritySchemeType.HTTP,
    scheme = "bearer",
    description =
        "Workspace token; see the README (interim verifier, SHA-256 hashes per workspace)")
public class ProfileApi extends Application {
  public static final String WORKSPACE_TOKEN = "workspaceToken";
}
