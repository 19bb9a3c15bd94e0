package org.servicerecovery.testing;

import java.util.Map;
import java.util.stream.Collectors;

import io.restassured.RestAssured;

/** The application's {@code /q/metrics} as Prometheus scrapes it: each series (name with its labels) and its value. */
public final class Metrics {

    private final Map<String, Double> series;

    private Metrics(Map<String, Double> series) {
        this.series = series;
    }

    public static Metrics scrape() {
        return new Metrics(RestAssured.get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .collect(Collectors.toMap(line -> line.substring(0, line.lastIndexOf(' ')),
                        line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), (a, b) -> b)));
    }

    /** The value of one series, written as in the exposition, e.g. {@code timers_parked_total{kind="promise.due"}}. */
    public double value(String series) {
        Double value = this.series.get(series);
        if (value == null) {
            throw new AssertionError(series + " is not exposed; exposed: " + this.series.keySet().stream()
                    .filter(name -> name.startsWith(series.substring(0, Math.max(1, series.indexOf('{')))))
                    .sorted().toList());
        }
        return value;
    }
}
