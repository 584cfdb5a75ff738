package dispool.host;

/** How a qrexec service call ended: its exit status (0 = success) and what it wrote to stderr. */
public record ServiceResult(int exitStatus, String stderr) {

    public static final ServiceResult OK = new ServiceResult(0, "");

    public boolean succeeded() {
        return exitStatus == 0;
    }
}
