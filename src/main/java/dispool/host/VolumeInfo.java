package dispool.host;

/**
 * What the engine reads of one volume of a qube (admin.vm.volume.Info).
 *
 * @param size bytes ({@code size})
 * @param outdated Qubes' {@code is_outdated}: the volume is a snapshot taken at start
 *     ({@code snap_on_start}) whose source changed since, for example a disposable's root after
 *     its TemplateVM was updated, or its private after the DVM template's private changed. False
 *     when the host does not report it (qubesd omits the key when the pool cannot tell).
 */
public record VolumeInfo(long size, boolean outdated) {
}
