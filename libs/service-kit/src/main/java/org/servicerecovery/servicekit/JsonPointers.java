package org.servicerecovery.servicekit;

import java.util.List;

import jakarta.validation.ElementKind;
import jakarta.validation.Path;

import com.fasterxml.jackson.databind.JsonMappingException;

/** RFC 6901 pointers for the places a request body went wrong. */
public final class JsonPointers {

    private JsonPointers() {
    }

    public static String of(List<JsonMappingException.Reference> path) {
        StringBuilder pointer = new StringBuilder();
        for (JsonMappingException.Reference reference : path) {
            pointer.append('/').append(reference.getFieldName() != null
                    ? escape(reference.getFieldName()) : Integer.toString(reference.getIndex()));
        }
        return pointer.toString();
    }

    /**
     * Skips the method and parameter nodes Bean Validation puts in front of a body's own properties; a violation of a
     * query or path parameter itself is named by the parameter ({@code /from}).
     */
    public static String ofPropertyPath(Path path) {
        StringBuilder pointer = new StringBuilder();
        String parameter = null;
        for (Path.Node node : path) {
            if (node.getKind() == ElementKind.PARAMETER) {
                parameter = node.getName();
                continue;
            }
            if (node.getKind() == ElementKind.METHOD || node.getKind() == ElementKind.CONSTRUCTOR
                    || node.getKind() == ElementKind.RETURN_VALUE) {
                continue;
            }
            if (node.getIndex() != null) {
                pointer.append('/').append(node.getIndex());
            }
            if (node.getName() != null && node.getKind() != ElementKind.CONTAINER_ELEMENT) {
                pointer.append('/').append(escape(node.getName()));
            }
        }
        return pointer.isEmpty() && parameter != null ? "/" + escape(parameter) : pointer.toString();
    }

    static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
