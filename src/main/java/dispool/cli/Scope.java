package dispool.cli;

import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * What get/set/unset address: a DVM template's pool ({@code TEMPLATE KEY...}) or dom0's knobs,
 * named {@code dom0 KEY...} as {@code qvm-features dom0} does, or {@code --global KEY...};
 * {@code rest} is what follows.
 */
record Scope(String template, List<String> rest) {

    boolean global() {
        return template == null;
    }

    /** Splits the positional words; {@code restMin..restMax} words must follow the scope. */
    static Scope of(CommandSpec spec, boolean globalOption, List<String> words, int restMin, int restMax, String restLabel) {
        boolean dom0 = !globalOption && !words.isEmpty() && words.get(0).equals("dom0");
        boolean global = globalOption || dom0;
        int skip = global && !dom0 ? 0 : 1;
        if (words.size() < skip + restMin || words.size() > skip + restMax) {
            throw new ParameterException(spec.commandLine(), "expected " + (global ? "dom0 " : "TEMPLATE ") + restLabel
                    + ", got " + (words.isEmpty() ? "nothing" : String.join(" ", words)));
        }
        String template = global ? null : new QubeName().convertOrUsage(spec, words.get(0));
        return new Scope(template, words.subList(skip, words.size()));
    }

    String poolPath() {
        return "/api/v1/pools/" + template;
    }
}
