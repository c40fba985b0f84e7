package dev.forge.cli;

import dev.forge.cli.commands.AddCommand;
import dev.forge.cli.commands.StatusCommand;
import dev.forge.cli.options.CommonOptions;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Command models built by hand for the command lines an artist runs all day ({@code status} and {@code
 * add}), so that they start without picocli's reflection. Picocli builds a command's model from its
 * annotations, and the JVM makes each annotation a dynamic proxy whose class it generates at run time
 * and the AOT cache does not keep: on a status of 4,000 files that was half of the main thread's CPU.
 *
 * <p>Only plain command lines take this path: the command name and options from a fixed set, each
 * option at most once per level. Anything else (help, an unknown or repeated option, an option before
 * the command name that only the command has) goes through the model picocli builds from the
 * annotations, so every message a user can get stays the one it was. QuickCommandsTest parses command
 * lines both ways and compares what the commands received, and checks that every option here is one
 * the annotations declare too.
 */
public final class QuickCommands {
    private QuickCommands() {}

    /** forge's own options, before or after the command name; {@code -C} takes a value. */
    private static final Set<String> COMMON = Set.of("-q", "--quiet", "--debug", "-C");

    /** The model for {@code args}, or null when they are not a plain command line of a command here. */
    static CommandLine commandLine(String[] args) {
        String name = null;
        boolean paths = false;
        int pathCount = 0;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (paths) {
                pathCount++;
                continue;
            }
            if (a.startsWith("-")) {
                String key = canonical(a);
                boolean known = COMMON.contains(a) || (name != null && a.equals("--json"));
                if (a.equals("--") && "add".equals(name)) {
                    paths = true;
                    continue;
                }
                if (!known || !seen.add(key)) return null;
                if (a.equals("-C")) {
                    if (i + 1 >= args.length || args[i + 1].startsWith("-")) return null;
                    i++;
                }
            } else if (name == null) {
                if (!a.equals("status") && !a.equals("add")) return null;
                name = a;
                seen.clear();
            } else if (name.equals("add")) {
                pathCount++;
            } else {
                return null;
            }
        }
        if (name == null || (name.equals("add") && pathCount == 0)) return null;
        Main main = new Main();
        CommandSpec root = CommandSpec.wrapWithoutInspection(main).name("forge");
        main.options = CommonOptions.handBuilt(root, "options");
        main.spec = root;
        CommandLine cl = new CommandLine(root);
        cl.addSubcommand(
                name, new CommandLine(name.equals("status") ? StatusCommand.handBuilt() : AddCommand.handBuilt()));
        return cl;
    }

    private static String canonical(String option) {
        return option.equals("--quiet") ? "-q" : option;
    }

    /** A flag bound to a field through two lambdas (picocli's own bindings need the annotations). */
    public static OptionSpec flag(Supplier<Object> get, Consumer<Object> set, String... names) {
        Binding b = new Binding(get, set);
        return OptionSpec.builder(names)
                .type(boolean.class)
                .arity("0")
                .initialValue(false)
                .getter(b)
                .setter(b)
                .build();
    }

    /** An option with one value of {@code type}, bound like {@link #flag}. */
    public static OptionSpec option(
            Class<?> type, String label, Supplier<Object> get, Consumer<Object> set, String... names) {
        Binding b = new Binding(get, set);
        return OptionSpec.builder(names)
                .type(type)
                .arity("1")
                .paramLabel(label)
                .getter(b)
                .setter(b)
                .build();
    }

    /** Getter and setter of one field. */
    public record Binding(Supplier<Object> read, Consumer<Object> write) implements IGetter, ISetter {
        @Override
        @SuppressWarnings("unchecked")
        public <T> T get() {
            return (T) read.get();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T set(T value) {
            T old = (T) read.get();
            write.accept(value);
            return old;
        }
    }
}
