package dispool.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every shell script dispool ships (deploy/) and the fake qrexec tools of the tests: POSIX sh
 * (#!/bin/sh, {@code sh -n}), no eval anywhere (no input ever reaches a shell as code), and
 * shellcheck clean in sh mode, which also flags unquoted expansions. .ci/run installs shellcheck.
 */
class ShellScriptsTest {

    private static final Pattern EVAL = Pattern.compile("(^|[;&|(\\s])eval(\\s|$)");

    static List<Path> scripts() throws IOException {
        List<Path> all = new ArrayList<>(List.of(Path.of("deploy/dispool"), Path.of("deploy/dispool-sleep"),
                Path.of("deploy/qubes-rpc/dispool.OpenInVM"), Path.of("deploy/app-qube/dispool-open-in-dvm"),
                Path.of("deploy/app-qube/dispool-open-stream")));
        try (Stream<Path> fakes = Files.list(Path.of("src/test/fake-qubes"))) {
            all.addAll(fakes.sorted().toList());
        }
        return all;
    }

    @Test
    void posixShNoEvalAndExecutable() throws Exception {
        for (Path s : scripts()) {
            List<String> lines = Files.readAllLines(s);
            assertEquals("#!/bin/sh", lines.get(0), s + " runs under /bin/sh");
            assertTrue(Files.isExecutable(s), s + " is executable (mode 755 in git)");
            for (String line : lines) {
                String code = line.strip().startsWith("#") ? "" : line;
                assertFalse(EVAL.matcher(code).find(), s + ": eval in '" + line + "'");
            }
            Result r = run("sh", "-n", s.toString());
            assertEquals(0, r.code(), s + " parses: " + r.out());
        }
    }

    @Test
    void shellcheckClean() throws Exception {
        assumeTrue(run("sh", "-c", "command -v shellcheck").code() == 0,
                "shellcheck is not installed (apt-get install shellcheck; .ci/run does it): lint skipped, sh -n still ran");
        List<String> cmd = new ArrayList<>(List.of("shellcheck", "--shell=sh", "--severity=style"));
        scripts().forEach(p -> cmd.add(p.toString()));
        Result r = run(cmd.toArray(String[]::new));
        assertEquals(0, r.code(), r.out());
    }

    record Result(int code, String out) {
    }

    static Result run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }
}
