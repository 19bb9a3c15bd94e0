package org.servicerecovery.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.internal.chartpart.IChart;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The system section's PNG charts (XChart, drawn without a display). */
final class SystemCharts {

    private static final int WIDTH = 1000;
    private static final int HEIGHT = 520;
    private static final int LATENESS_BINS = 25;
    /** XChart's default palette puts two near-identical yellows among the first six lines. */
    private static final Color[] LINE_COLORS = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
            new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194),
            new Color(127, 127, 127)};

    static {
        // set before XChart first touches AWT: the bench runs on machines without a display
        System.setProperty("java.awt.headless", "true");
    }

    private SystemCharts() {
    }

    /** One line per series over the seconds [from, to) of the run, e.g. events per second, lag, MiB. */
    static void lines(String title, String yAxis, Timeline timeline, List<String> series, String prefix, int from, int to,
                      Path file) throws IOException {
        XYChart chart = lines(title, yAxis);
        double[] x = IntStream.range(from, to).asDoubleStream().toArray();
        series.forEach(name -> chart.addSeries(name, x, timeline.values(prefix + name, from, to)).setMarker(SeriesMarkers.NONE));
        save(chart, file);
    }

    /** One line per process: cores used each second (CPU ms per second / 1,000), from the sampled running totals. */
    static void cpu(Timeline timeline, List<String> processes, int from, int to, Path file) throws IOException {
        XYChart chart = lines("CPU per process (2 cores in all)", "cores");
        double[] x = IntStream.range(from, to).asDoubleStream().toArray();
        processes.forEach(name -> chart.addSeries(name, x, Arrays.stream(timeline.increases(SystemObserver.CPU + name, from, to))
                .map(millis -> millis / 1000).toArray()).setMarker(SeriesMarkers.NONE));
        save(chart, file);
    }

    /**
     * The knee: p99 of each latency against the offered rate of each step, with the goals, on a log scale; a step
     * without samples of a latency has no point on its line.
     */
    static void knee(List<Integer> rates, Map<String, double[]> p99s, Map<String, long[]> counts, Map<String, Double> goals,
                     Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Step load: p99 per step (goals dashed)")
                .xAxisTitle("offered CRM events / s").yAxisTitle("p99 (ms, log scale)").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Line);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setSeriesColors(LINE_COLORS);
        // outside: inside, the legend would hide the points of the first steps
        chart.getStyler().setLegendPosition(LegendPosition.OutsideS);
        p99s.forEach((name, values) -> {
            List<Integer> steps = IntStream.range(0, rates.size()).filter(i -> counts.get(name)[i] > 0).boxed().toList();
            if (!steps.isEmpty()) {
                // a log axis cannot show 0 (under a millisecond)
                chart.addSeries(name, steps.stream().mapToDouble(rates::get).toArray(),
                        steps.stream().mapToDouble(i -> Math.max(1, values[i])).toArray());
            }
        });
        double[] span = {rates.get(0), rates.get(rates.size() - 1)};
        goals.forEach((name, goal) -> chart.addSeries(name, span, new double[] {goal, goal}).setMarker(SeriesMarkers.NONE)
                .setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0)));
        save(chart, file);
    }

    /** Stacked bars: one bar per step, one segment per process (cores, or CPU ms per CRM event). */
    static void stacked(String title, String yAxis, List<String> steps, Map<String, double[]> perProcess, Path file)
            throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("offered CRM events / s").yAxisTitle(yAxis).build();
        chart.getStyler().setStacked(true);
        chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
        perProcess.forEach((name, values) -> chart.addSeries(name, steps, Arrays.stream(values).boxed().toList()));
        save(chart, file);
    }

    /** p50, p90 and p99 bars per stage, in ms. */
    static void percentiles(Map<String, Histogram> stages, Path file) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title("Latency percentiles per stage")
                .yAxisTitle("ms").build();
        chart.getStyler().setLegendPosition(LegendPosition.InsideNW);
        List<String> names = List.copyOf(stages.keySet());
        for (double percentile : new double[] {50, 90, 99}) {
            chart.addSeries("p" + (int) percentile, names,
                    names.stream().map(name -> (Number) stages.get(name).getValueAtPercentile(percentile)).toList());
        }
        save(chart, file);
    }

    /** Lateness of promise.missed after the due time; the last bin holds the rest. */
    static void lateness(Histogram lateness, Path file) throws IOException {
        long top = Math.max(1, lateness.getValueAtPercentile(99.9));
        long width = roundWidth((top + LATENESS_BINS - 1) / LATENESS_BINS);
        List<String> labels = new ArrayList<>();
        for (int bin = 0; bin < LATENESS_BINS; bin++) {
            labels.add((bin == LATENESS_BINS - 1 ? "≥" : "") + bin * width);
        }
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Promise miss lateness (due time → promise.missed appended by the broker)")
                .xAxisTitle("lateness (ms, bin start)").yAxisTitle("promises").build();
        chart.getStyler().setLegendPosition(LegendPosition.InsideNE);
        chart.getStyler().setXAxisLabelRotation(45);
        chart.addSeries("missed promises", labels, binned(lateness, width));
        save(chart, file);
    }

    /** The next 1, 2 or 5 × 10^n, so that the bins start at readable values. */
    private static long roundWidth(long atLeast) {
        for (long power = 1; ; power *= 10) {
            for (long step : new long[] {1, 2, 5}) {
                if (step * power >= atLeast) {
                    return step * power;
                }
            }
        }
    }

    private static List<Long> binned(Histogram histogram, long width) {
        long[] counts = new long[LATENESS_BINS];
        for (HistogramIterationValue value : histogram.recordedValues()) {
            counts[(int) Math.min(LATENESS_BINS - 1, value.getValueIteratedTo() / width)] += value.getCountAtValueIteratedTo();
        }
        return Arrays.stream(counts).boxed().toList();
    }

    private static XYChart lines(String title, String yAxis) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("seconds since the traffic started").yAxisTitle(yAxis).build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Line);
        chart.getStyler().setSeriesColors(LINE_COLORS);
        chart.getStyler().setLegendPosition(LegendPosition.InsideNW);
        return chart;
    }

    private static void save(IChart chart, Path file) throws IOException {
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapFormat.PNG);
    }
}
