package dispool.api;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A command as the service name {@code qubes.VMExec+ARG+ARG...}: each argument's bytes other
 * than letters, digits, '_' and '.' become {@code -XX} (hex), '-' becomes {@code --}, as
 * qubesadmin.utils.encode_for_vmexec does for {@code qvm-run --no-shell}. No shell is involved.
 */
final class VmExec {

    private VmExec() {
    }

    static String service(List<String> command) {
        StringBuilder s = new StringBuilder("qubes.VMExec");
        for (String arg : command) {
            s.append('+');
            for (byte b : arg.getBytes(StandardCharsets.UTF_8)) {
                int c = b & 0xff;
                if (Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '.') {
                    s.append((char) c);
                } else if (c == '-') {
                    s.append("--");
                } else {
                    s.append(String.format("-%02X", c));
                }
            }
        }
        return s.toString();
    }
}
