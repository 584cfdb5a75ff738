package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class ListWriterTest {

    @Test
    void callersWaitForAWriteThatCoversTheirChangeAndTheLastWriteIsTheNewest() throws Exception {
        ListWriter writer = new ListWriter();
        AtomicReference<String> memory = new AtomicReference<>("a b");
        List<String> host = new CopyOnWriteArrayList<>();
        CountDownLatch slow = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> writer.write(memory::get, v -> {
            if (!started.getAndSet(true)) {
                await(slow);
            }
            host.add(v);
        }));
        Awaitility.await().until(started::get);
        memory.set("b");
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> writer.write(memory::get, host::add));
        memory.set("b c");
        CompletableFuture<Void> third = CompletableFuture.runAsync(() -> writer.write(memory::get, host::add));
        Thread.onSpinWait();
        assertTrue(!second.isDone() && !third.isDone(), "a caller returns only once its change is written");
        slow.countDown();
        CompletableFuture.allOf(first, second, third).get(5, TimeUnit.SECONDS);
        assertEquals("a b", host.get(0));
        assertEquals("b c", host.get(host.size() - 1), "the last write is the newest list: " + host);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
