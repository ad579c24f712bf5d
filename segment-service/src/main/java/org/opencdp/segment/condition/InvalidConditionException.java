package org.opencdp.segment.condition;

import java.util.List;

/** A condition that cannot be used, with every error found (never personal data). */
public class InvalidConditionException extends RuntimeException {
  private final transient List<ConditionError> errors;

  public InvalidConditionException(List<ConditionError> errors) {
    super("the condition is invalid: " + errors.size() + " error(s)", null, false, false);
    this.errors = List.copyOf(errors);
  }

  public List<ConditionError> errors() {
    return errors;
  }
}
