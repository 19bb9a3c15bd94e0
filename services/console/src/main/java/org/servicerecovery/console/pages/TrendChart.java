package org.servicerecovery.console.pages;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.quarkus.qute.TemplateData;

/**
 * A loyalty score's history as an inline SVG polyline (0–100 upwards, oldest left): no chart library, no script,
 * readable by screen readers through the table that accompanies it.
 */
@TemplateData
public record TrendChart(String points, int width, int height, int count, Object first, Object last) {

    static final int WIDTH = 600;
    static final int HEIGHT = 160;

    /** {@code loyalty} is loyalty-scoring's answer; its {@code history} lists {@code asOf} and {@code score}. */
    static TrendChart of(Object loyalty) {
        List<?> history = loyalty instanceof Map<?, ?> map && map.get("history") instanceof List<?> list ? list : List.of();
        List<Map<?, ?>> scored = history.stream().filter(Map.class::isInstance).<Map<?, ?>>map(Map.class::cast)
                .filter(point -> point.get("score") instanceof Number).toList();
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < scored.size(); i++) {
            double x = scored.size() == 1 ? WIDTH / 2.0 : (double) i * WIDTH / (scored.size() - 1);
            double score = Math.max(0, Math.min(100, ((Number) scored.get(i).get("score")).doubleValue()));
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, HEIGHT - score * HEIGHT / 100));
        }
        return new TrendChart(points.toString().trim(), WIDTH, HEIGHT, scored.size(),
                scored.isEmpty() ? null : scored.get(0).get("asOf"),
                scored.isEmpty() ? null : scored.get(scored.size() - 1).get("asOf"));
    }
}
