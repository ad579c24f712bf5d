package org.opencdp.testsupport.nativecheck.contracts;

/** Never referenced by the stand-in service, so never required. */
public record Unused(String value) {}
