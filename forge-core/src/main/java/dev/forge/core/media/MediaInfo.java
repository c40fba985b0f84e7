package dev.forge.core.media;

import java.util.List;
import java.util.Optional;

/**
 * What a media file's headers say about it. Every field that could not be read (truncated or
 * malformed headers, a variant this reader does not know) is null: unknown, never a guess.
 */
public sealed interface MediaInfo {
    /** "image", "video" or "audio". */
    String type();

    /**
     * A PNG or JPEG image. {@code color}: for PNG "gray", "rgb", "indexed", "gray+alpha", "rgba"; for
     * JPEG by component count "gray", "ycbcr", "cmyk".
     */
    record Image(String format, Integer width, Integer height, Integer bitDepth, String color) implements MediaInfo {
        @Override
        public String type() {
            return "image";
        }
    }

    /**
     * An ISO base media file: {@code container} "mp4" or "mov" (QuickTime brand), {@code brand} the
     * ftyp major brand, {@code durationSeconds} from the movie header.
     */
    record Video(String container, String brand, Double durationSeconds, List<Track> tracks) implements MediaInfo {
        public Video {
            tracks = List.copyOf(tracks);
        }

        @Override
        public String type() {
            return "video";
        }

        /** The first video track, if any. */
        public Optional<Track> videoTrack() {
            return tracks.stream().filter(t -> "vide".equals(t.handler())).findFirst();
        }
    }

    /**
     * One track: {@code handler} "vide", "soun", "text", ...; {@code codec} the fourcc of its first sample
     * entry (avc1, hvc1, mp4a, ...); {@code frameRate} = samples / duration (video tracks); {@code
     * channels} and {@code sampleRate} for sound tracks.
     */
    record Track(
            Integer id,
            String handler,
            String codec,
            Integer width,
            Integer height,
            Double durationSeconds,
            Long samples,
            Double frameRate,
            Integer channels,
            Integer sampleRate) {}

    /** A WAV (RIFF, RF64 or BW64) file; {@code codec} "pcm", "float", or "0x..." for other format tags. */
    record Audio(
            String format,
            String codec,
            Integer channels,
            Integer sampleRate,
            Integer bitsPerSample,
            Double durationSeconds)
            implements MediaInfo {
        @Override
        public String type() {
            return "audio";
        }
    }
}
