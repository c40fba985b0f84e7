package dev.forge.core.media;

/** A stretch of playback time, in seconds from the start of the file. */
public record TimeRange(double start, double end) {}
