package dispool.cli;

import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * What get/set/unset address: a DVM template's pool ({@code TEMPLATE KEY...}) or, with
 * {@code --global}, dom0's knobs ({@code KEY...}); {@code rest} is what follows.
 */
record Scope(String template, List<String> rest) {

    boolean global() {
        return template == null;
    }

    /** Splits the positional words; {@code restMin..restMax} words must follow the scope. */
    static Scope of(CommandSpec spec, boolean global, List<String> words, int restMin, int restMax, String restLabel) {
        int skip = global ? 0 : 1;
        if (words.size() < skip + restMin || words.size() > skip + restMax) {
            throw new ParameterException(spec.commandLine(), "expected " + (global ? "--global " : "TEMPLATE ") + restLabel
                    + ", got " + (words.isEmpty() ? "nothing" : String.join(" ", words)));
        }
        String template = global ? null : new QubeName().convertOrUsage(spec, words.get(0));
        return new Scope(template, words.subList(skip, words.size()));
    }

    String poolPath() {
        return "/api/v1/pools/" + template;
    }
}
