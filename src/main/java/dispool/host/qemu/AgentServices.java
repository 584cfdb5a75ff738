package dispool.host.qemu;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Qubes' service names, mapped to what the guest's agent does: the readiness services
 * ({@code qubes.WaitForRunningSystem}, {@code qubes.WaitForSession}) are a ping answered once the
 * guest is up (empty command); {@code qubes.VMExec+ARG+ARG…} runs a command with Qubes'
 * argument encoding ({@code -XX} is the byte with hex code XX, {@code --} is {@code -}, as in
 * qubes-core-agent-linux's qubes.VMExec).
 */
final class AgentServices {

    static final String KNOWN = "qubes.WaitForRunningSystem, qubes.WaitForSession and qubes.VMExec+ARGS";
    private static final String EXEC = "qubes.VMExec+";

    private AgentServices() {
    }

    /** The agent command for a service: empty string = readiness ping; none = unknown service. */
    static Optional<String> command(String service) {
        if (service.equals("qubes.WaitForRunningSystem") || service.equals("qubes.WaitForSession")) {
            return Optional.of("");
        }
        if (!service.startsWith(EXEC) || service.length() == EXEC.length()) {
            return Optional.empty();
        }
        List<String> args = new ArrayList<>();
        for (String raw : service.substring(EXEC.length()).split("\\+", -1)) {
            args.add("'" + decode(raw).replace("'", "'\\''") + "'");
        }
        return Optional.of(String.join(" ", args));
    }

    /** Qubes' escaping of one VMExec argument; a malformed escape is refused with the argument named. */
    static String decode(String arg) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < arg.length(); i++) {
            char c = arg.charAt(i);
            if (c != '-') {
                out.append(c);
            } else if (i + 1 < arg.length() && arg.charAt(i + 1) == '-') {
                out.append('-');
                i++;
            } else if (i + 2 < arg.length()) {
                out.append((char) Integer.parseInt(arg.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                throw new IllegalArgumentException("qubes.VMExec argument '" + arg + "': '-' must be followed by '-' or "
                        + "two hex digits");
            }
        }
        return out.toString();
    }
}
