package dev.forge.core.error;

/** Input that parses but makes no sense (a bad ref name, an unknown setting value); exits as a usage error. */
public final class InvalidInputException extends ForgeException {
    public InvalidInputException(String message) {
        super(message);
    }
}
