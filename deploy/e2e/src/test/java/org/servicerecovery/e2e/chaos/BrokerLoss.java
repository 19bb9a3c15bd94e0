package org.servicerecovery.e2e.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What a brokers-mode cycle kills at once in the three-node cluster: one node (a step of a rolling restart, which the
 * cluster rides out) or two (quorum and in-sync minimum lost: producers wait until one node returns).
 *
 * @param nodes indexes (0 to 2) of the nodes killed together
 */
record BrokerLoss(List<Integer> nodes) {

    BrokerLoss {
        nodes = List.copyOf(nodes);
    }

    boolean outage() {
        return nodes.size() > 1;
    }

    /**
     * {@code cycles} cycles: the nodes one after the other, a rolling restart, and every fourth cycle two nodes at once
     * (a random pair).
     */
    static List<BrokerLoss> schedule(int cycles, Random random) {
        List<BrokerLoss> losses = new ArrayList<>();
        int next = 0;
        for (int cycle = 0; cycle < cycles; cycle++) {
            if (cycle % 4 == 3) {
                int spared = random.nextInt(3);
                losses.add(new BrokerLoss(List.of((spared + 1) % 3, (spared + 2) % 3)));
            } else {
                losses.add(new BrokerLoss(List.of(next++ % 3)));
            }
        }
        return losses;
    }

    @Override
    public String toString() {
        return nodes.stream().map(index -> "kafka-" + (index + 1)).toList().toString();
    }
}
