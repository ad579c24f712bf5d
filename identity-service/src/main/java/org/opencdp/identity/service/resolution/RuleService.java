package org.opencdp.identity.service.resolution;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.opencdp.identity.config.IdentityConfig;
import org.opencdp.identity.store.BlockedPatternEntity;
import org.opencdp.identity.store.RuleRepository;
import org.opencdp.identity.store.RuleSetEntity;
import org.opencdp.identity.store.TypeRuleEntity;
import org.opencdp.security.problem.ProblemException;

/**
 * Resolution rules per workspace, stored in PostgreSQL and cached for {@code
 * cdp.identity.rules-cache-ttl}. Methods returning {@code Uni} must run inside a Panache session.
 */
@ApplicationScoped
public class RuleService {
  static final Pattern TYPE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
  static final Pattern TRAIT_KEY = Pattern.compile("[A-Za-z0-9_\\-]{1,128}");
  static final int MAX_TYPES = 50;
  static final int MAX_PATTERNS = 100;

  private final RuleRepository repository;
  private final long ttlNanos;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(RuleSet rules, long expiresAt) {}

  public RuleService(RuleRepository repository, IdentityConfig config) {
    this.repository = repository;
    this.ttlNanos = config.rulesCacheTtl().toNanos();
  }

  /** The rules in force for the workspace (cached). */
  public Uni<RuleSet> rulesOf(String workspaceId) {
    Cached cached = cache.get(workspaceId);
    if (cached != null && cached.expiresAt - System.nanoTime() > 0) {
      return Uni.createFrom().item(cached.rules);
    }
    return load(workspaceId)
        .invoke(rules -> cache.put(workspaceId, new Cached(rules, System.nanoTime() + ttlNanos)));
  }

  /** The cached rules of the workspace, or null when they must be (re)loaded. */
  public RuleSet cached(String workspaceId) {
    Cached cached = cache.get(workspaceId);
    return cached != null && cached.expiresAt - System.nanoTime() > 0 ? cached.rules : null;
  }

  /** Reads the rules from the database, bypassing the cache. */
  public Uni<RuleSet> load(String workspaceId) {
    return repository
        .ruleSet(workspaceId)
        .chain(
            set -> {
              if (set == null) {
                return Uni.createFrom().item(DefaultRules.RULES);
              }
              return repository
                  .typeRules(workspaceId)
                  .chain(
                      types ->
                          repository
                              .blockedPatterns(workspaceId)
                              .map(
                                  patterns ->
                                      RuleSet.of(
                                          types.stream()
                                              .map(
                                                  t ->
                                                      new TypeRule(
                                                          t.type,
                                                          t.priority,
                                                          t.maxPerProfile,
                                                          t.traitKey))
                                              .toList(),
                                          set.defaultPriority,
                                          set.defaultLimit,
                                          patterns.stream()
                                              .map(p -> BlockedPattern.of(p.type, p.pattern))
                                              .toList(),
                                          true)));
            });
  }

  /** Replaces the workspace's rules (validated first). Must run in a transaction. */
  public Uni<RuleSet> replace(
      String workspaceId,
      List<TypeRule> types,
      int defaultPriority,
      int defaultLimit,
      List<BlockedPattern> blocked) {
    RuleSet rules = validate(types, defaultPriority, defaultLimit, blocked);
    RuleSetEntity set = new RuleSetEntity();
    set.workspaceId = workspaceId;
    set.defaultPriority = defaultPriority;
    set.defaultLimit = defaultLimit;
    set.updatedAt = Instant.now();
    List<Object> rows = new ArrayList<>();
    rows.add(set);
    for (TypeRule type : rules.types().values()) {
      TypeRuleEntity row = new TypeRuleEntity();
      row.workspaceId = workspaceId;
      row.type = type.type();
      row.priority = type.priority();
      row.maxPerProfile = type.limit();
      row.traitKey = type.traitKey();
      rows.add(row);
    }
    for (BlockedPattern pattern : rules.blocked()) {
      BlockedPatternEntity row = new BlockedPatternEntity();
      row.workspaceId = workspaceId;
      row.type = pattern.type();
      row.pattern = pattern.regex();
      rows.add(row);
    }
    return repository
        .deleteAll(workspaceId)
        .chain(() -> repository.getSession())
        .chain(session -> session.persistAll(rows.toArray()))
        .invoke(() -> cache.remove(workspaceId))
        .replaceWith(rules);
  }

  /** Removes the workspace's rules: the defaults apply again. Must run in a transaction. */
  public Uni<RuleSet> reset(String workspaceId) {
    return repository
        .deleteAll(workspaceId)
        .invoke(() -> cache.remove(workspaceId))
        .replaceWith(DefaultRules.RULES);
  }

  static RuleSet validate(
      List<TypeRule> types, int defaultPriority, int defaultLimit, List<BlockedPattern> blocked) {
    if (types.size() > MAX_TYPES) {
      throw ProblemException.badRequest("at most " + MAX_TYPES + " identifier types");
    }
    if (blocked.size() > MAX_PATTERNS) {
      throw ProblemException.badRequest("at most " + MAX_PATTERNS + " blocked value patterns");
    }
    checkRange("defaultPriority", defaultPriority, 1, 1000);
    checkRange("defaultLimit", defaultLimit, 1, 100_000);
    Set<String> seen = new HashSet<>();
    for (TypeRule type : types) {
      if (type.type() == null || !TYPE_NAME.matcher(type.type()).matches()) {
        throw ProblemException.badRequest(
            "identifier type names are lowercase letters, digits and '_' (at most 64), starting"
                + " with a letter");
      }
      if (!seen.add(type.type())) {
        throw ProblemException.badRequest("identifier type '" + type.type() + "' is listed twice");
      }
      checkRange("priority of " + type.type(), type.priority(), 1, 1000);
      checkRange("limit of " + type.type(), type.limit(), 1, 100_000);
      if (type.traitKey() != null && !TRAIT_KEY.matcher(type.traitKey()).matches()) {
        throw ProblemException.badRequest(
            "traitKey of " + type.type() + " must be 1-128 letters, digits, '_' or '-'");
      }
    }
    for (BlockedPattern pattern : blocked) {
      if (pattern.type() != null && !TYPE_NAME.matcher(pattern.type()).matches()) {
        throw ProblemException.badRequest("blocked value type is not a valid type name");
      }
    }
    return RuleSet.of(types, defaultPriority, defaultLimit, blocked, true);
  }

  /** Compiles a blocked pattern supplied by a client. */
  public static BlockedPattern compile(String type, String regex) {
    if (regex == null || regex.isEmpty() || regex.length() > 256) {
      throw ProblemException.badRequest("a blocked value pattern has 1 to 256 characters");
    }
    try {
      return BlockedPattern.of(type, regex);
    } catch (PatternSyntaxException e) {
      throw ProblemException.badRequest(
          "blocked value pattern is not a valid regular expression: " + e.getDescription());
    }
  }

  private static void checkRange(String what, int value, int min, int max) {
    if (value < min || value > max) {
      throw ProblemException.badRequest(what + " must be between " + min + " and " + max);
    }
  }
}
