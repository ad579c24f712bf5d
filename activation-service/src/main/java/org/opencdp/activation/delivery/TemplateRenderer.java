package org.opencdp.activation.delivery;

import io.quarkus.qute.Engine;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateException;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.qute.Variant;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opencdp.security.problem.ProblemException;

/**
 * Qute templates stored in campaigns. Rendering is strict: a value that is missing and has no
 * fallback ({@code {traits.firstName ?: 'there'}} or a campaign default) fails the render, so a
 * customer never receives "Hello {firstName}" or "Hello NOT_FOUND"; the delivery is skipped with
 * the expression as the reason.
 */
@ApplicationScoped
public class TemplateRenderer {
  /** A value the template needs and the data lacks. */
  public static class MissingValue extends Exception {
    public MissingValue(String expression) {
      super(expression, null, false, false);
    }
  }

  private static final Pattern EXPRESSION = Pattern.compile("expression \\{([^}]{1,200})}");
  private static final int CACHE_LIMIT = 2000;

  private final Engine engine;
  private final Map<String, Template> cache = new ConcurrentHashMap<>();

  TemplateRenderer(Engine engine) {
    this.engine = engine;
  }

  /** Rejects a template that does not parse (400 with Qute's reason). */
  public void check(String where, String content) {
    if (content == null) {
      return;
    }
    if (content.length() > 100_000) {
      throw ProblemException.badRequest(where + ": at most 100,000 characters");
    }
    try {
      template(content, false);
    } catch (TemplateException e) {
      throw ProblemException.badRequest(where + " is not a valid Qute template: " + reason(e));
    }
  }

  /** Renders {@code content} with each entry of {@code data} as a top-level name. */
  public String render(String content, Map<String, Object> data, boolean html) throws MissingValue {
    if (content == null) {
      return null;
    }
    TemplateInstance instance = template(content, html).instance();
    withoutNulls(data).forEach(instance::data);
    try {
      return instance.render();
    } catch (TemplateException e) {
      Matcher m = EXPRESSION.matcher(String.valueOf(e.getMessage()));
      throw new MissingValue(m.find() ? m.group(1) : "a template value");
    }
  }

  private Template template(String content, boolean html) {
    String key = (html ? "h:" : "t:") + content;
    Template template = cache.get(key);
    if (template == null) {
      template =
          html
              ? engine.parse(content, Variant.forContentType(Variant.TEXT_HTML))
              : engine.parse(content);
      if (cache.size() > CACHE_LIMIT) {
        cache.clear();
      }
      cache.put(key, template);
    }
    return template;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> withoutNulls(Map<String, Object> data) {
    Map<String, Object> out = new LinkedHashMap<>();
    data.forEach(
        (key, value) -> {
          if (value instanceof Map<?, ?> nested) {
            out.put(key, withoutNulls((Map<String, Object>) nested));
          } else if (value != null) {
            out.put(key, value);
          }
        });
    return out;
  }

  private static String reason(TemplateException e) {
    String message = String.valueOf(e.getMessage());
    return message.length() > 200 ? message.substring(0, 200) : message;
  }
}
