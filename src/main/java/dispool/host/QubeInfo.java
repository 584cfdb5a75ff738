package dispool.host;

/** One line of admin.vm.List: a qube's name, class ({@code AppVM}, {@code DispVM}…) and power state. */
public record QubeInfo(String name, String klass, PowerState state) {

    public boolean isDispVm() {
        return "DispVM".equals(klass);
    }
}
