package org.servicerecovery.loyalty.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Whole points whose sum is the rounded sum of the exact points (largest-remainder method), so an explanation in whole
 * numbers always adds up to the whole-number score.
 */
final class Apportion {

    private Apportion() {
    }

    static int[] wholePoints(double[] exact) {
        int[] whole = new int[exact.length];
        double total = 0;
        int floors = 0;
        for (int i = 0; i < exact.length; i++) {
            whole[i] = (int) Math.floor(exact[i]);
            floors += whole[i];
            total += exact[i];
        }
        int missing = (int) Math.round(total) - floors;
        List<Integer> byRemainder = new ArrayList<>();
        for (int i = 0; i < exact.length; i++) {
            byRemainder.add(i);
        }
        // Ties go to the earlier factor, so the result is the same on every run.
        byRemainder.sort(Comparator.comparingDouble((Integer i) -> -(exact[i] - Math.floor(exact[i]))).thenComparingInt(i -> i));
        for (int k = 0; k < missing; k++) {
            whole[byRemainder.get(k)]++;
        }
        return whole;
    }
}
