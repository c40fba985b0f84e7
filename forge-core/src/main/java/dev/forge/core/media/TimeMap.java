package dev.forge.core.media;

import java.util.List;

/**
 * Maps byte ranges of a media file to the playback time they hold: for a WAV file by the byte rate of
 * its data chunk, for MP4/MOV through the sample tables of every track (chunk offsets, samples per
 * chunk, sample sizes, sample durations). Approximate by nature: the result has the granularity of
 * whole samples (frames), ignores edit lists and uses decode time.
 */
@FunctionalInterface
public interface TimeMap {
    /**
     * The time ranges, sorted and merged, that overlap {@code ranges}. {@code ranges} must be sorted by
     * offset and must not overlap. Bytes outside any sample (headers, padding) map to nothing.
     */
    List<TimeRange> times(List<ByteRange> ranges);
}
