package org.opencdp.identity.service.resolution;

import java.util.regex.Pattern;

/**
 * A value that must never link profiles: a full-match, case-insensitive regex, for one type or all.
 */
public record BlockedPattern(String type, String regex, Pattern pattern) {

  public static BlockedPattern of(String type, String regex) {
    return new BlockedPattern(
        type, regex, Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
  }

  public boolean blocks(String identifierType, String value) {
    return (type == null || type.equals(identifierType)) && pattern.matcher(value).matches();
  }
}
