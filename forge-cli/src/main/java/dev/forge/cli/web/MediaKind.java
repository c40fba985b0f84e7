package dev.forge.cli.web;

import java.util.Locale;

/** How the web view shows a file, from its name. */
enum MediaKind {
    /** PNG, JPEG, GIF, BMP: read by the JDK's ImageIO. */
    IMAGE,
    /** EXR, TIFF, WebP and other stills that only ffmpeg decodes. */
    IMAGE_FFMPEG,
    VIDEO,
    /** WAV: read directly. */
    WAV,
    /** Other audio: decoded by ffmpeg. */
    AUDIO_FFMPEG,
    OTHER;

    static MediaKind of(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        String ext = name.lastIndexOf('.') < 0 ? "" : name.substring(name.lastIndexOf('.') + 1);
        return switch (ext) {
            case "png", "jpg", "jpeg", "gif", "bmp" -> IMAGE;
            case "exr", "tif", "tiff", "webp", "tga", "dpx", "psd" -> IMAGE_FFMPEG;
            case "mp4", "mov", "m4v", "mkv", "webm", "avi", "mxf", "mpg", "mpeg" -> VIDEO;
            case "wav", "wave" -> WAV;
            case "mp3", "flac", "ogg", "oga", "opus", "m4a", "aac", "aif", "aiff" -> AUDIO_FFMPEG;
            default -> OTHER;
        };
    }

    boolean needsFfmpeg() {
        return this == IMAGE_FFMPEG || this == VIDEO || this == AUDIO_FFMPEG;
    }

    boolean image() {
        return this == IMAGE || this == IMAGE_FFMPEG;
    }

    boolean audio() {
        return this == WAV || this == AUDIO_FFMPEG;
    }
}
