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
import java.util.regex.Pattern;
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

    /** The Open-in-DisposableVM policy, whatever number its file name starts with. */
    private static Path openPolicy() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("deploy/qubes-policy"))) {
            return files.filter(f -> f.getFileName().toString().endsWith("-dispool-open.policy")).findFirst().orElseThrow();
        }
    }

    /**
     * The calls deploy/ makes for Open in DisposableVM (docs/open-in-dvm.md), each allowed no wider
     * than it needs: the app qube asks dispool.OpenInVM with no argument; the management qube reads
     * a tagged caller's default_dispvm and tags its own disposables dispool-for-CALLER; an app qube
     * may call qubes.OpenInVM/OpenURL only into the disposables tagged for it, and the management
     * qube (dispool open) only into those it created.
     */
    @Test
    void openInDisposableAllowsOnlyTheCallsTheScriptsMake() throws IOException {
        List<Rule> rules = parse(openPolicy());
        String wrapper = Files.readString(Path.of("deploy/app-qube/dispool-open-in-dvm"));
        String stream = Files.readString(Path.of("deploy/app-qube/dispool-open-stream"));
        String service = Files.readString(Path.of("deploy/qubes-rpc/dispool.OpenInVM"));
        assertTrue(wrapper.contains("-- @default dispool.OpenInVM "), "the app qube calls @default, no argument");
        assertTrue(service.contains("admin admin.vm.property.Get \"$caller\" default_dispvm")
                && service.contains("admin admin.vm.tag.Set \"$name\" \"dispool-for-$caller\""), "the service's Admin API calls");
        assertTrue(stream.contains("\"$qrexec\" -- \"$name\" \"$service\""), "the app qube calls its disposable by name");
        Set<String> called = Set.of("dispool.OpenInVM", "qubes.OpenInVM", "qubes.OpenURL", "admin.vm.property.Get", "admin.vm.tag.Set");
        for (Rule r : rules) {
            assertTrue(called.contains(r.service()), r + ": a service deploy/ never calls");
            if (!r.action().equals("allow")) {
                assertEquals("deny", r.action(), r + ": no ask");
                continue;
            }
            assertFalse(r.argument().equals("*") || r.source().equals("@anyvm") || r.source().equals("*")
                    || r.target().equals("@anyvm") || r.target().equals("*"), r + ": an allow that broad");
            switch (r.service()) {
                case "dispool.OpenInVM" -> assertTrue(r.argument().equals("+") && r.source().startsWith("@tag:")
                        && r.target().equals("@default") && r.options().get("target") != null
                        && "no".equals(r.options().get("autostart")), r + ": no argument, tagged callers, redirected, never starting");
                case "admin.vm.property.Get" -> assertTrue(r.argument().equals("+default_dispvm") && r.target().startsWith("@tag:")
                        && "dom0".equals(r.options().get("target")), r + ": only default_dispvm, only of tagged qubes");
                case "admin.vm.tag.Set" -> assertTrue(r.argument().matches("\\+dispool-for-" + NAME)
                        && r.target().equals("@tag:created-by-" + r.source()) && "dom0".equals(r.options().get("target")),
                        r + ": only a dispool-for tag, only on the source's own disposables");
                default -> {
                    assertEquals("+", r.argument(), r + ": qubes.OpenInVM/OpenURL are called without argument");
                    assertEquals("no", r.options().get("autostart"), r + ": never starts a qube");
                    assertTrue(r.target().equals("@tag:dispool-for-" + r.source()) || r.target().equals("@tag:created-by-" + r.source()),
                            r + ": only into the disposables handed to the source, or created by it");
                }
            }
        }
        assertTrue(rules.stream().anyMatch(r -> r.service().equals("dispool.OpenInVM") && r.action().equals("deny")),
                "other callers end in a deny");
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
}
