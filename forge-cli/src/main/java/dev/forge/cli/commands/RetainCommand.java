package dev.forge.cli.commands;

import static dev.forge.cli.Json.object;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.port.LocalStoreFactory.Mode;
import dev.forge.core.repo.Repository;
import dev.forge.core.retain.RetentionPolicy;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "retain",
        description = {
            "Set which versions of matching files gc keeps.",
            "A retention policy, like Perforce's +S file types.",
            "GLOB --keep-last N keeps each path's N newest versions along each branch's first-parent",
            "history; --keep-within DURATION those current within it. Branch and tag tips are always kept.",
            "The policy is pushed with every push; gc and gc --remote then drop the other versions'",
            "contents (history stays; those versions show as purged). --list shows it, --remove drops a rule."
        })
public final class RetainCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Parameters(arity = "0..1", paramLabel = "GLOB", description = "Paths the rule governs (.forgeignore syntax).")
    String glob;

    @Option(names = "--keep-last", paramLabel = "N", description = "Keep each path's N newest versions.")
    Integer keepLast;

    @Option(
            names = "--keep-within",
            paramLabel = "DURATION",
            description = "Keep the versions current within DURATION (90d, 12h).")
    String keepWithin;

    @Option(names = "--branch", paramLabel = "B", description = "Count versions along branch B only.")
    String branch;

    @Option(names = "--list", description = "Show the policy.")
    boolean list;

    @Option(names = "--remove", paramLabel = "GLOB", description = "Remove the rule for GLOB (and --branch).")
    String remove;

    @Override
    public Integer call() {
        Output out = common.output(json);
        int modes = (list ? 1 : 0) + (remove != null ? 1 : 0) + (glob != null ? 1 : 0);
        if (modes != 1) {
            throw new InvalidInputException(
                    "give one of: GLOB with --keep-last N or --keep-within DURATION, --list, or --remove GLOB");
        }
        try (Repository repo = common.open(list ? Mode.READ : Mode.WRITE)) {
            RetentionPolicy policy = RetentionPolicy.load(repo.forgeDir());
            if (list) return list(out, policy);
            long now = System.currentTimeMillis();
            if (remove != null) {
                if (keepLast != null || keepWithin != null)
                    throw new InvalidInputException("--remove takes no --keep-last or --keep-within");
                RetentionPolicy.Rule r = policy.find(remove, branch)
                        .filter(RetentionPolicy.Rule::active)
                        .orElseThrow(() -> new NotFoundException("there is no retention rule for '" + remove + "'"
                                + (branch == null ? "" : " on branch " + branch) + " (see forge retain --list)"));
                policy.with(new RetentionPolicy.Rule(
                                remove, branch, RetentionPolicy.Kind.REMOVED, 0, Math.max(now, r.setAt() + 1)))
                        .save(repo.forgeDir());
                if (out.json()) out.json(object().put("removed", remove).put("branch", branch));
                else out.info("Removed the retention rule %s; pushed with the next push%n", r.describe());
                return 0;
            }
            if ((keepLast == null) == (keepWithin == null))
                throw new InvalidInputException("give exactly one of --keep-last N and --keep-within DURATION");
            RetentionPolicy.Rule rule;
            if (keepLast != null) {
                rule = new RetentionPolicy.Rule(glob, branch, RetentionPolicy.Kind.KEEP_LAST, keepLast, now);
            } else {
                long seconds;
                try {
                    seconds = dev.forge.cli.Units.parseDuration(keepWithin).toSeconds();
                } catch (IllegalArgumentException e) {
                    throw new InvalidInputException("--keep-within: " + e.getMessage());
                }
                rule = new RetentionPolicy.Rule(glob, branch, RetentionPolicy.Kind.KEEP_WITHIN, seconds, now);
            }
            long after = policy.find(glob, branch).map(r -> r.setAt() + 1).orElse(now);
            rule = new RetentionPolicy.Rule(
                    rule.glob(), rule.branch(), rule.kind(), rule.value(), Math.max(now, after));
            policy.with(rule).save(repo.forgeDir());
            if (out.json()) {
                out.json(rule(rule));
            } else {
                out.info(
                        "Retention %s: gc drops the contents of older versions (history stays);"
                                + " pushed with the next push%n",
                        rule.describe());
            }
            return 0;
        }
    }

    private static Integer list(Output out, RetentionPolicy policy) {
        if (out.json()) {
            ObjectNode n = object();
            ArrayNode a = n.putArray("rules");
            for (RetentionPolicy.Rule r : policy.active()) a.add(rule(r));
            out.json(n);
            return 0;
        }
        if (policy.isEmpty()) {
            out.info("No retention policy: every version is kept%n");
            return 0;
        }
        for (RetentionPolicy.Rule r : policy.active()) {
            String what = r.kind() == RetentionPolicy.Kind.KEEP_LAST
                    ? "keep-last " + r.value()
                    : "keep-within " + RetentionPolicy.formatDuration(r.value());
            out.println(dev.forge.core.model.PathText.sanitize(r.glob()) + "\t" + what + "\t"
                    + (r.branch() == null ? "every branch" : "branch " + r.branch()));
        }
        return 0;
    }

    private static ObjectNode rule(RetentionPolicy.Rule r) {
        ObjectNode n = object().put("glob", r.glob());
        if (r.kind() == RetentionPolicy.Kind.KEEP_LAST) n.put("keepLast", r.value());
        else n.put("keepWithinSeconds", r.value());
        n.put("branch", r.branch());
        return n;
    }
}
