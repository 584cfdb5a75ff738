/**
 * JMH benchmarks of dispool's own code, built only by the {@code jmh} Maven profile
 * ({@code mvn -B -Pjmh package}; see the README's "Benchmarks" section). Every engine benchmark
 * runs on the embedded simulator with {@link dispool.host.sim.LatencyModel#ZERO}, so what is timed
 * is dispool's work, never a simulated host delay. Each class's Javadoc says what is inside and
 * outside the timed part. {@link dispool.jmh.CodecBench} times the Admin API codec, which does
 * no I/O; one jar and one command run them all. {@link dispool.jmh.QemuColdVsPreloadedBench} is
 * the exception: it boots real QEMU micro-VMs and times cold against preloaded start.
 */
package dispool.jmh;
