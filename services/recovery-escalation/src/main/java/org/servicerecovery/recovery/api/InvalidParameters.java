package org.servicerecovery.recovery.api;

import java.util.List;

import org.servicerecovery.servicekit.Problem;

/** Query parameters or body fields that cannot be used; each error names its parameter or JSON pointer. */
public class InvalidParameters extends RuntimeException {

    private final List<Problem.FieldError> errors;

    public InvalidParameters(List<Problem.FieldError> errors) {
        super(errors.size() + " parameter(s) are invalid");
        this.errors = List.copyOf(errors);
    }

    public List<Problem.FieldError> errors() {
        return errors;
    }
}
