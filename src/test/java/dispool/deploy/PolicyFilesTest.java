package dispool.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/qubes-policy/*.policy against Qubes' qrexec policy v5 line syntax
 * (SERVICE ARGUMENT SOURCE TARGET ACTION [OPTION=VALUE...], qubes-core-qrexec's parser), and the
 * Open-in-DisposableVM file allowing nothing but the calls deploy/ makes.
 */
class PolicyFilesTest {

    private static final String NAME = "[A-Za-z][A-Za-z0-9_.-]{0,30}";
    private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern ARGUMENT = Pattern.compile("\\*|\\+[A-Za-z0-9_.+-]*");
    private static final Pattern SOURCE = Pattern.compile("\\*|@anyvm|@adminvm|dom0|@tag:[A-Za-z0-9_.-]+"
            + "|@type:(AppVM|TemplateVM|StandaloneVM|DispVM|AdminVM)|@dispvm:(@tag:[A-Za-z0-9_.-]+|" + NAME + ")|" + NAME);
    private static final Pattern TARGET = Pattern.compile(SOURCE.pattern() + "|@default|@dispvm");
    /** The options each action takes in qrexec's parser. */
    private static final Map<String, Set<String>> OPTIONS = Map.of(
            "allow", Set.of("target", "user", "autostart", "notify"),
            "deny", Set.of("notify"),
            "ask", Set.of("target", "default_target", "user", "autostart", "notify"));

    record Rule(String file, int line, String service, String argument, String source, String target, String action,
                Map<String, String> options) {
        @Override
        public String toString() {
            return file + ":" + line + " " + service + " " + argument + " " + source + " " + target + " " + action + " " + options;
        }
    }

    static List<Rule> parse(Path file) throws IOException {
        List<Rule> rules = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file.getFileName() + ":" + (i + 1) + " '" + line + "'";
            String[] w = line.split("\\s+");
            assertTrue(w.length >= 5, where + ": SERVICE ARGUMENT SOURCE TARGET ACTION [options]");
            assertTrue(SERVICE.matcher(w[0]).matches(), where + ": service");
            assertTrue(ARGUMENT.matcher(w[1]).matches(), where + ": argument is *, + or +ARG");
            assertTrue(SOURCE.matcher(w[2]).matches(), where + ": source");
            assertTrue(TARGET.matcher(w[3]).matches(), where + ": target");
            assertTrue(OPTIONS.containsKey(w[4]), where + ": action is allow, deny or ask");
            Map<String, String> options = new LinkedHashMap<>();
            for (String o : Arrays.copyOfRange(w, 5, w.length)) {
                String[] kv = o.split("=", 2);
                assertTrue(kv.length == 2 && OPTIONS.get(w[4]).contains(kv[0]), where + ": option " + o + " of " + w[4]);
                if (kv[0].equals("autostart") || kv[0].equals("notify")) {
                    assertTrue(kv[1].equals("yes") || kv[1].equals("no"), where + ": " + o);
                }
                if (kv[0].contains("target")) {
                    assertTrue(kv[1].matches(NAME + "|@adminvm|@dispvm(:" + NAME + ")?"), where + ": " + o);
                }
                options.put(kv[0], kv[1]);
            }
            rules.add(new Rule(file.getFileName().toString(), i + 1, w[0], w[1], w[2], w[3], w[4], options));
        }
        return rules;
    }

    @Test
    void everyPolicyFileParses() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("deploy/qubes-policy"))) {
            List<Path> policies = files.filter(f -> f.toString().endsWith(".policy")).sorted().toList();
            assertEquals(2, policies.size(), policies.toString());
            for (Path p : policies) {
                assertFalse(parse(p).isEmpty(), p.toString());
            }
        }
    }

    @Test
    void openInDisposableAllowsOnlyTheCallsTheScriptsMake() throws IOException {
        List<Rule> rules = parse(Path.of("deploy/qubes-policy/50-dispool-open.policy"));
        String wrapper = Files.readString(Path.of("deploy/app-qube/dispool-open-in-dvm"));
        String service = Files.readString(Path.of("deploy/qubes-rpc/dispool.OpenInVM"));
        Set<String> called = new TreeSet<>();
        called.addAll(matches(wrapper, "\"(dispool\\.Open(?:InVM|URL))\\+\\$template\""));
        called.addAll(matches(service, "service=(qubes\\.Open(?:InVM|URL))"));
        assertEquals(Set.of("dispool.OpenInVM", "dispool.OpenURL", "qubes.OpenInVM", "qubes.OpenURL"), called);
        assertTrue(wrapper.contains("-- @default \"dispool.OpenInVM+$template\"") && wrapper.contains("-- @default \"dispool.OpenURL+$template\""),
                "the app qube calls @default and lets dom0 pick the target");
        assertTrue(service.contains("\"$client\" -- \"$name\" \"$service\""), "the management qube calls the disposable by name, no argument");
        for (Rule r : rules) {
            assertTrue(called.contains(r.service()), r + ": a service deploy/ never calls");
            if (!r.action().equals("allow")) {
                assertEquals("deny", r.action(), r + ": no ask");
                continue;
            }
            assertFalse(r.argument().equals("*") || r.source().equals("@anyvm") || r.source().equals("*")
                    || r.target().equals("@anyvm") || r.target().equals("*"), r + ": an allow that broad");
            assertEquals("no", r.options().get("autostart"), r + ": never starts a qube");
            if (r.service().startsWith("dispool.")) {
                assertTrue(r.argument().matches("\\+" + NAME) && r.source().startsWith("@tag:") && r.target().equals("@default")
                        && r.options().get("target") != null, r + ": one template, tagged callers, @default redirected");
            } else {
                assertEquals("+", r.argument(), r + ": qubes.OpenInVM/OpenURL are called without argument");
                assertEquals("@tag:created-by-" + r.source(), r.target(), r + ": only into disposables its source created");
                assertTrue(r.source().matches(NAME), r + ": one management qube");
            }
        }
        List<String> denied = rules.stream().filter(r -> r.action().equals("deny")).map(Rule::service).sorted().toList();
        assertEquals(List.of("dispool.OpenInVM", "dispool.OpenURL"), denied, "other templates and callers end in a deny");
        Set<String> redirected = rules.stream().map(r -> r.options().get("target")).filter(t -> t != null).collect(Collectors.toSet());
        Set<String> callers = rules.stream().filter(r -> r.service().startsWith("qubes.")).map(Rule::source).collect(Collectors.toSet());
        assertEquals(redirected, callers, "the qube the calls go to is the one allowed into its disposables");
    }

    @Test
    void theParserRefusesWhatQrexecRefuses() throws IOException {
        for (String bad : List.of("qubes.OpenInVM * dispool-mgmt", "qubes.OpenInVM foo dispool-mgmt @anyvm allow",
                "qubes.OpenInVM * dispool-mgmt @anyvm permit", "qubes.OpenInVM * dispool-mgmt @anyvm deny target=x",
                "qubes.Open+InVM * a b allow", "qubes.OpenInVM * @any b allow", "x * a b allow autostart=maybe")) {
            Path f = Files.createTempFile("bad", ".policy");
            Files.writeString(f, bad + "\n");
            try {
                org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> parse(f), bad);
            } finally {
                Files.delete(f);
            }
        }
    }

    private static List<String> matches(String text, String regex) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
