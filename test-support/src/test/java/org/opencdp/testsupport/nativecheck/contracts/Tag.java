package org.opencdp.testsupport.nativecheck.contracts;

public record Tag(String value) {}
