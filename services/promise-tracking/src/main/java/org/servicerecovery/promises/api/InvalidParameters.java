package org.servicerecovery.promises.api;

import java.util.List;

import org.servicerecovery.servicekit.Problem;

/** Query parameters that cannot be used; each error's pointer is the parameter's name. */
public class InvalidParameters extends RuntimeException {

    private final List<Problem.FieldError> errors;

    public InvalidParameters(List<Problem.FieldError> errors) {
        super(errors.size() + " query parameter(s) are invalid");
        this.errors = List.copyOf(errors);
    }

    public List<Problem.FieldError> errors() {
        return errors;
    }
}
