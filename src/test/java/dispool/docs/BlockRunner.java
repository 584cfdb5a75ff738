package dispool.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one doc block with bash ({@code -e -o pipefail}) as a reader's shell would after the
 * README's set-up: the README's {@code api} function defined first, {@code DISPOOL_URL} and
 * {@code DISPOOL_TOKEN_FILE} pointing at a service, {@code HOME} its home, {@code deploy/} first on
 * {@code PATH}, the checkout as working directory.
 */
record BlockRunner(Path checkout, Path home, String url, String api, Duration timeout) {

    /** How a block ended: its exit status (-1 when it ran over the timeout), time and output's end. */
    record Outcome(DocBlocks.Block block, int exitStatus, Duration took, String outputTail) {
        boolean ok() {
            return exitStatus == 0;
        }

        /** What a failure says: where the block is, what it was, how it ended and what it printed last. */
        String failure() {
            String how = exitStatus < 0 ? "did not end within its timeout" : "exited " + exitStatus;
            return block.where() + ": block " + how + ":\n" + block.text() + "--- output (end) ---\n" + outputTail;
        }
    }

    Outcome run(DocBlocks.Block block) throws IOException, InterruptedException {
        Path out = Files.createTempFile(home, "block", ".out");
        ProcessBuilder bash = new ProcessBuilder("bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c",
                api + block.text()).directory(checkout.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
        Map<String, String> env = bash.environment();
        env.put("HOME", home.toString());
        env.put("TMPDIR", Files.createDirectories(home.resolve("tmp")).toString()); // mktemp -d lands in home
        env.put("DISPOOL_URL", url);
        env.put("DISPOOL_TOKEN_FILE", home.resolve(".config/dispool/api-token").toString());
        env.put("DISPOOL_JAVA_OPTS", "-Duser.home=" + home + " -XX:TieredStopAtLevel=1");
        // As the README suggests (export PATH="$PWD/deploy:$PATH"), so a block may call plain `dispool`.
        env.put("PATH", checkout.resolve("deploy") + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        long started = System.nanoTime();
        Process p = bash.start();
        boolean ended = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        return new Outcome(block, ended ? p.exitValue() : -1, took, tail(Files.readString(out), 40));
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
