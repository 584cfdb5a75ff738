package dispool.cli;

import dispool.bench.EmbeddedTarget;
import dispool.pool.DispoolException;
import dispool.pool.PreloadFeatures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The bench's options, checked: every refusal names the option, the value and the rule.
 *
 * @param templates the templates with their simulated memory and boot factor
 * @param sweep     maxes of the sweep
 * @param out       where the files go
 */
record BenchOptions(List<EmbeddedTarget.Template> templates, List<Integer> sweep, Path out) {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    static BenchOptions check(BenchCommand c, CommandLine cl) {
        range(cl, "--iterations", c.iterations, 1, 10_000);
        range(cl, "--preload-max", c.preloadMax, 1, PreloadFeatures.MAX_LIMIT);
        range(cl, "--in-flight", c.inFlight, 1, 64);
        range(cl, "--settle-timeout", c.settleTimeoutSeconds, 1, 86_400);
        if (!(c.timeScale > 0 && c.timeScale <= 100_000)) {
            throw refuse(cl, "--time-scale", c.timeScale, "must be > 0 and <= 100000");
        }
        if (!(c.missTarget > 0 && c.missTarget < 1)) {
            throw refuse(cl, "--miss-target", c.missTarget, "must be a share above 0 and below 1, e.g. 0.01 for 1%");
        }
        if (!(Math.abs(c.refillDelay) <= PreloadFeatures.DELAY_LIMIT_SECONDS)) {
            throw refuse(cl, "--refill-delay", c.refillDelay, "must be seconds from -86400 to 86400");
        }
        range(cl, "--host-memory-mib", c.hostMemoryMiB, 5_000, 1L << 24);
        if (!c.host.equals("sim") && !c.host.equals("qemu")) {
            throw refuse(cl, "--host", c.host, "must be sim or qemu");
        }
        if (c.host.equals("qemu") && c.url != null) {
            throw refuse(cl, "--host", c.host, "is for the embedded bench; with --url the service's own host measures");
        }
        if (c.host.equals("qemu") && !Files.isReadable(c.guestDir.resolve("initramfs.img"))) {
            throw refuse(cl, "--guest-dir", c.guestDir, "must hold a built guest: run deploy/qemu/build-guest.sh " + c.guestDir);
        }
        List<EmbeddedTarget.Template> templates = new ArrayList<>();
        for (String spec : c.templates) {
            templates.add(template(cl, spec, c.url == null));
        }
        Path out = c.out != null ? c.out : Path.of("dispool-bench-" + STAMP.format(Instant.now()));
        return new BenchOptions(templates, sweep(cl, c.sweep), out);
    }

    static EmbeddedTarget.Template template(CommandLine cl, String spec, boolean embedded) {
        String[] parts = spec.split(":", -1);
        String rule = "NAME[:MiB[:BOOT]], a qube name, MiB from 100 to 65536, BOOT from 0.1 to 10";
        if (parts.length > 3) {
            throw refuse(cl, "--template", spec, "must be " + rule);
        }
        if (!embedded && parts.length > 1) {
            throw refuse(cl, "--template", spec, "memory and boot factor are for the embedded simulator; with --url give "
                    + "the template's name only");
        }
        try {
            PreloadFeatures.validateQubeName("template", parts[0]);
            long mib = parts.length > 1 ? Long.parseLong(parts[1]) : 400;
            double boot = parts.length > 2 ? Double.parseDouble(parts[2]) : 1.0;
            if (mib < 100 || mib > 65_536 || !(boot >= 0.1 && boot <= 10)) {
                throw refuse(cl, "--template", spec, "must be " + rule);
            }
            return new EmbeddedTarget.Template(parts[0], mib, boot);
        } catch (NumberFormatException | DispoolException e) {
            throw refuse(cl, "--template", spec, "must be " + rule + " (" + e.getMessage() + ")");
        }
    }

    static List<Integer> sweep(CommandLine cl, String value) {
        List<Integer> out = new ArrayList<>();
        for (String part : value.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                int max = Integer.parseInt(part.trim());
                if (max >= 1 && max <= PreloadFeatures.MAX_LIMIT && !out.contains(max)) {
                    out.add(max);
                    continue;
                }
            } catch (NumberFormatException e) {
                // refused below with the rule
            }
            throw refuse(cl, "--sweep", value, "must be distinct maxes from 1 to " + PreloadFeatures.MAX_LIMIT
                    + ", comma-separated (e.g. 2,3,5,6), or empty");
        }
        return out;
    }

    private static void range(CommandLine cl, String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw refuse(cl, option, value, "must be from " + min + " to " + max);
        }
    }

    private static ParameterException refuse(CommandLine cl, String option, Object value, String rule) {
        return new ParameterException(cl, option + " '" + value + "' refused: " + rule);
    }
}
