package org.opencdp.testsupport.nativecheck.service;

import org.opencdp.testsupport.nativecheck.contracts.Envelope;

/** A stand-in service class that reads envelopes. */
public class Consumer {
  public String read(Envelope envelope) {
    return envelope.id();
  }
}
