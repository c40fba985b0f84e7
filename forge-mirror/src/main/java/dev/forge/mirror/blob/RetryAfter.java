package dev.forge.mirror.blob;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The HTTP {@code Retry-After} header (RFC 9110 10.2.3): a number of seconds, or an HTTP date. */
public final class RetryAfter {
    private RetryAfter() {}

    /** The wait {@code value} asks for at {@code now} (zero for a date in the past), or null when it is not one. */
    public static Duration parse(String value, Instant now) {
        if (value == null) return null;
        String v = value.strip();
        if (v.matches("\\d{1,9}")) return Duration.ofSeconds(Long.parseLong(v));
        try {
            Instant at =
                    ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
