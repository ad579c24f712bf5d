package org.opencdp.testsupport;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Keeps a service's {@code @RegisterForReflection} list in step with the shared message types it
 * uses. Jackson reads and writes the Kafka records by reflection; in a native executable a type
 * that is not registered loses its constructors and accessors, and the failure shows only at run
 * time. No native build runs in CI, so this check is what stops the list going stale.
 *
 * <p>"Used" means: named in the constant pool of any compiled class of the service (imports that
 * are really used, field and method types, generic signatures, class literals), plus, transitively,
 * every type of that package carried by a record component (an envelope's identifiers and event
 * type). Only records and enums count: constant holders such as {@code Topics} need nothing.
 */
public final class NativeRegistrationCheck {
  private NativeRegistrationCheck() {}

  /**
   * The records and enums of {@code contractsPackage} that the service's compiled classes (the
   * classes directory or jar that holds {@code registrations}) use but {@code registrations} does
   * not list; empty when the registrations are complete.
   */
  public static Set<String> missing(Class<?> registrations, String contractsPackage) {
    return missing(registrations, classesOf(registrations), contractsPackage);
  }

  /** The classes directory (or jar) that holds {@code type}. */
  static Path classesOf(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException("no class directory for " + type, e);
    }
  }

  /**
   * The records and enums of {@code contractsPackage} that the classes under {@code classesDir} use
   * but {@code registrations} (a class annotated with {@code @RegisterForReflection(targets =
   * ...)}) does not list, as binary names; empty when the registrations are complete.
   */
  public static Set<String> missing(
      Class<?> registrations, Path classesDir, String contractsPackage) {
    Set<String> registered =
        Arrays.stream(registrations.getAnnotationsByType(RegisterForReflection.class))
            .flatMap(
                r ->
                    Stream.concat(
                        Arrays.stream(r.targets()).map(Class::getName),
                        Arrays.stream(r.classNames())))
            .collect(Collectors.toSet());
    Set<String> missing = new TreeSet<>();
    for (Class<?> type : used(classesDir, contractsPackage, registrations.getClassLoader())) {
      if (!registered.contains(type.getName())) {
        missing.add(type.getName());
      }
    }
    return missing;
  }

  /** The records and enums of the package that the compiled classes need, with their closure. */
  static Set<Class<?>> used(Path classesDir, String contractsPackage, ClassLoader loader) {
    Pattern reference =
        Pattern.compile(
            Pattern.quote(contractsPackage.replace('.', '/') + "/") + "([A-Za-z0-9_$]+)");
    Set<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.walk(classesDir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        // Class file strings are modified UTF-8; package and class names are ASCII, so Latin-1
        // keeps every byte and the regex finds them wherever the constant pool holds them.
        Matcher m =
            reference.matcher(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
        while (m.find()) {
          names.add(contractsPackage + "." + m.group(1));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the compiled classes in " + classesDir, e);
    }
    Set<Class<?>> needed = new java.util.LinkedHashSet<>();
    Deque<Class<?>> pending = new ArrayDeque<>();
    for (String name : names) {
      pending.add(load(name, loader));
    }
    while (!pending.isEmpty()) {
      Class<?> type = pending.pop();
      if (!(type.isRecord() || type.isEnum()) || !needed.add(type)) {
        continue;
      }
      if (type.isRecord()) {
        for (RecordComponent component : type.getRecordComponents()) {
          collect(component.getGenericType(), contractsPackage, pending);
        }
      }
    }
    return needed;
  }

  private static void collect(Type type, String contractsPackage, Deque<Class<?>> into) {
    if (type instanceof Class<?> c) {
      Class<?> element = c.isArray() ? c.componentType() : c;
      if (element.getPackageName().equals(contractsPackage)) {
        into.add(element);
      }
    } else if (type instanceof ParameterizedType p) {
      collect(p.getRawType(), contractsPackage, into);
      for (Type argument : p.getActualTypeArguments()) {
        collect(argument, contractsPackage, into);
      }
    } else if (type instanceof GenericArrayType a) {
      collect(a.getGenericComponentType(), contractsPackage, into);
    } else if (type instanceof WildcardType w) {
      for (Type bound : w.getUpperBounds()) {
        collect(bound, contractsPackage, into);
      }
    }
  }

  private static Class<?> load(String name, ClassLoader loader) {
    try {
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          name + " is referenced by the compiled classes but not on the classpath", e);
    }
  }
}
