package org.opencdp.contracts;

/**
 * One identifier of a person: a type ({@code user_id}, {@code anonymous_id}, {@code email}, {@code
 * phone}, {@code device_id}, or a custom type a workspace declares) and its value.
 */
public record Identifier(String type, String value) {
  public static final String USER_ID = "user_id";
  public static final String ANONYMOUS_ID = "anonymous_id";
  public static final String EMAIL = "email";
  public static final String PHONE = "phone";
  public static final String DEVICE_ID = "device_id";

  /** The {@code type:value} form used in Profile API paths. */
  @Override
  public String toString() {
    return type + ":" + value;
  }
}
