package org.servicerecovery.console.pages;

import java.util.List;
import java.util.Map;

import io.quarkus.qute.TemplateData;

/**
 * One service's answer for a page: its JSON as maps and lists (so fields the console does not know yet pass through
 * harmlessly), or why it is missing. A page shows what it got and names what failed instead of failing whole.
 */
@TemplateData
public record Fetched(Object data, String error) {

    public static Fetched of(Object data) {
        return new Fetched(data, null);
    }

    public static Fetched failed(String error) {
        return new Fetched(null, error);
    }

    public boolean ok() {
        return error == null;
    }

    /** The listed things of a list answer, bare ({@code [...]}) or paged ({@code {"items": [...]}}). */
    public List<?> items() {
        if (data instanceof List<?> list) {
            return list;
        }
        return data instanceof Map<?, ?> map && map.get("items") instanceof List<?> list ? list : List.of();
    }
}
