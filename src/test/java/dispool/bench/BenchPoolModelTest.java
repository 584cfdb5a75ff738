package dispool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BenchPoolModelTest {

    @Test
    void erlangBMatchesTheTextbookValues() {
        assertEquals(1.0, PoolModel.missProbability(0, 3.0), 1e-12);
        assertEquals(0.5, PoolModel.missProbability(1, 1.0), 1e-12);
        assertEquals(0.2, PoolModel.missProbability(2, 1.0), 1e-12);
        assertEquals(1.0 / 16, PoolModel.missProbability(3, 1.0), 1e-12);
        // the classic table: 10 servers at 5 Erlangs block 1.84%
        assertEquals(0.01838, PoolModel.missProbability(10, 5.0), 1e-5);
    }

    @Test
    void theSmallestMaxIsTheFirstUnderTheTarget() {
        assertEquals(5, PoolModel.smallestMax(1.0, 0.01, 100)); // B(4,1) = 1.5%, B(5,1) = 0.3%
        assertEquals(1, PoolModel.smallestMax(0.0, 0.01, 100)); // rare requests: one preload serves each
        assertEquals(-1, PoolModel.smallestMax(500.0, 0.01, 100));
    }
}
