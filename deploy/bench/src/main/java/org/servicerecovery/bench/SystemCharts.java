package org.servicerecovery.bench;

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
            new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75)};

    static {
        // set before XChart first touches AWT: the bench runs on machines without a display
        System.setProperty("java.awt.headless", "true");
    }

    private SystemCharts() {
    }

    /** One line per series: events per second over the run. */
    static void throughput(Timeline timeline, List<String> series, int seconds, Path file) throws IOException {
        XYChart chart = lines("Throughput per stage", "events / s");
        double[] x = IntStream.range(0, seconds).asDoubleStream().toArray();
        series.forEach(name -> chart.addSeries(name, x, timeline.values(name, seconds)).setMarker(SeriesMarkers.NONE));
        save(chart, file);
    }

    /** One line per service: resident memory sampled each second. */
    static void memory(Timeline timeline, List<String> services, int seconds, Path file) throws IOException {
        XYChart chart = lines("Resident memory per service (-Xmx256m)", "RSS (MiB)");
        double[] x = IntStream.range(0, seconds).asDoubleStream().toArray();
        services.forEach(name -> chart.addSeries(name, x, timeline.values(SystemBench.RSS + name, seconds))
                .setMarker(SeriesMarkers.NONE));
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

    /** Lateness of promise.missed after the due time, spread and burst deadlines side by side; the last bin holds the rest. */
    static void lateness(Histogram spread, Histogram burst, Path file) throws IOException {
        long top = Math.max(1, Math.max(spread.getValueAtPercentile(99.9), burst.getValueAtPercentile(99.9)));
        long width = roundWidth((top + LATENESS_BINS - 1) / LATENESS_BINS);
        List<String> labels = new ArrayList<>();
        for (int bin = 0; bin < LATENESS_BINS; bin++) {
            labels.add((bin == LATENESS_BINS - 1 ? "≥" : "") + bin * width);
        }
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Promise miss lateness (due time → promise.missed published)")
                .xAxisTitle("lateness (ms, bin start)").yAxisTitle("promises").build();
        chart.getStyler().setLegendPosition(LegendPosition.InsideNE);
        chart.getStyler().setXAxisLabelRotation(45);
        chart.addSeries("spread deadlines", labels, binned(spread, width));
        chart.addSeries("burst deadlines", labels, binned(burst, width));
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
        chart.getStyler().setLegendPosition(LegendPosition.InsideNE);
        return chart;
    }

    private static void save(IChart chart, Path file) throws IOException {
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapFormat.PNG);
    }
}
