package dispool.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The qrexec policy v5 evaluation of qubes-core-qrexec's {@code qrexec/policy/parser.py}, for the
 * requests dispool's deployment makes: the {@code *.policy} files of a directory in lexical order
 * (names starting with a dot skipped, as {@code filter_filepaths}), their rules in file order, the
 * first rule whose service, argument, source and target match decides; no match is a denial.
 * Tokens as the parser's {@code VMToken} classes: {@code *}, {@code @anyvm} (anything but dom0,
 * {@code @default} included), {@code @adminvm}/{@code dom0}, {@code @tag:}, {@code @type:},
 * {@code @default}, {@code @dispvm}, {@code @dispvm:NAME}, {@code @dispvm:@tag:}, and names. A
 * requested target that does not exist becomes {@code @default} ({@code IntendedTarget.verify});
 * an {@code allow} then needs {@code target=}, else it is denied ({@code Allow.evaluate}).
 * {@code ask} is reported as such: nobody answers a prompt for a service. Line syntax is
 * {@link PolicyFilesTest#parse}'s. No {@code !include}: dispool's files have none.
 */
final class QrexecPolicy {

    /** What the policy knows of a qube ({@code qrexec.utils.system_info}). */
    record Qube(String name, String type, Set<String> tags, boolean templateForDispvms, String defaultDispvm) {
    }

    /** One call: {@code argument} is {@code +} alone for a call without one, as qrexec passes it. */
    record Request(String service, String argument, String source, String target) {
        @Override
        public String toString() {
            return service + argument + " " + source + " -> " + target;
        }
    }

    enum Verdict { ALLOW, DENY, ASK }

    /** The outcome and the rule that decided it ({@code file:line}, or why none did). */
    record Decision(Verdict verdict, String rule, String resolvedTarget) {
        boolean allowed() {
            return verdict == Verdict.ALLOW;
        }
    }

    private final List<PolicyFilesTest.Rule> rules;

    private QrexecPolicy(List<PolicyFilesTest.Rule> rules) {
        this.rules = rules;
    }

    static QrexecPolicy load(Path dir) throws IOException {
        List<PolicyFilesTest.Rule> rules = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".policy"))
                    .filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList()) {
                rules.addAll(PolicyFilesTest.parse(f));
            }
        }
        return new QrexecPolicy(rules);
    }

    Decision evaluate(Request r, Map<String, Qube> system) {
        String target = intendedTarget(r.target(), system);
        if (target == null) {
            return new Decision(Verdict.DENY, "not a template for dispvm: " + r.target(), null);
        }
        for (PolicyFilesTest.Rule rule : rules) {
            if (matches(rule, r, target, system)) {
                return decide(rule, r, target, system);
            }
        }
        return new Decision(Verdict.DENY, "no matching rule found", null);
    }

    /** The target as qrexec verifies it; null when an {@code @dispvm:NAME} names no DVM template. */
    private static String intendedTarget(String target, Map<String, Qube> system) {
        if (target.isEmpty()) {
            return "@default";
        }
        if (target.startsWith("@dispvm:")) {
            Qube t = system.get(target.substring("@dispvm:".length()));
            return t != null && t.templateForDispvms() ? target : null;
        }
        if (isDom0(target) || target.equals("@default") || target.equals("@dispvm")) {
            return target;
        }
        return system.containsKey(target) ? target : "@default";
    }

    private static boolean matches(PolicyFilesTest.Rule rule, Request r, String target, Map<String, Qube> system) {
        return (rule.service().equals("*") || rule.service().equals(r.service()))
                && (rule.argument().equals("*") || rule.argument().equals(r.argument()))
                && token(rule.source(), r.source(), r.source(), system)
                && token(rule.target(), target, r.source(), system);
    }

    /** Whether a policy token matches {@code other} ({@code VMToken.match} and its subclasses). */
    private static boolean token(String token, String other, String source, Map<String, Qube> system) {
        Qube q = system.get(other);
        if (token.equals("*")) {
            return true;
        }
        if (isDom0(token)) {
            return isDom0(other);
        }
        if (token.equals("@anyvm")) {
            return !isDom0(other);
        }
        if (token.startsWith("@type:")) {
            return q != null && q.type().equals(token.substring("@type:".length()));
        }
        if (token.startsWith("@tag:")) {
            return q != null && q.tags().contains(token.substring("@tag:".length()));
        }
        if (token.startsWith("@dispvm:")) {
            return dispvmToken(token.substring("@dispvm:".length()), other, source, system);
        }
        return token.equals(other); // @default, @dispvm and names match themselves
    }

    /** {@code @dispvm:NAME} and {@code @dispvm:@tag:T} against {@code @dispvm} or {@code @dispvm:NAME}. */
    private static boolean dispvmToken(String value, String other, String source, Map<String, Qube> system) {
        String template;
        if (other.equals("@dispvm")) {
            Qube s = system.get(source);
            template = s == null ? null : s.defaultDispvm();
        } else if (other.startsWith("@dispvm:")) {
            template = other.substring("@dispvm:".length());
        } else {
            return false;
        }
        if (template == null) {
            return false;
        }
        if (!value.startsWith("@tag:")) {
            return value.equals(template);
        }
        Qube t = system.get(template);
        return t != null && t.templateForDispvms() && t.tags().contains(value.substring("@tag:".length()));
    }

    private static Decision decide(PolicyFilesTest.Rule rule, Request r, String target, Map<String, Qube> system) {
        String where = rule.file() + ":" + rule.line();
        switch (rule.action()) {
            case "deny" -> {
                return new Decision(Verdict.DENY, where, null);
            }
            case "ask" -> {
                return new Decision(Verdict.ASK, where, null);
            }
            default -> {
                String to = rule.options().getOrDefault("target", target);
                if (to.equals("@default")) {
                    return new Decision(Verdict.DENY, where + " allows but no target is given by caller or policy", null);
                }
                if (to.equals("@dispvm")) {
                    Qube s = system.get(r.source());
                    if (s == null || s.defaultDispvm() == null) {
                        return new Decision(Verdict.DENY, where + " allows @dispvm but the source has no default_dispvm", null);
                    }
                    to = "@dispvm:" + s.defaultDispvm();
                }
                return new Decision(Verdict.ALLOW, where, to.equals("@adminvm") ? "dom0" : to);
            }
        }
    }

    private static boolean isDom0(String token) {
        return token.equals("@adminvm") || token.equals("dom0") || token.equals("uuid:00000000-0000-0000-0000-000000000000");
    }
}
