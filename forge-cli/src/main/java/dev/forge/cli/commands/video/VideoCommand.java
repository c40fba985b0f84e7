package dev.forge.cli.commands.video;

import dev.forge.cli.options.CommonOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code forge video}: the plumbing of the experimental video codec (docs/cli.md, docs/format.md). */
@Command(
        addMethodSubcommands = false,
        name = "video",
        description = {
            "Encode a file as video that survives re-encoding (experimental).",
            "Decodes it back from the video or from a lossy re-encode of it.",
            "Needs the ffmpeg and ffprobe programs (Debian package ffmpeg)."
        },
        subcommands = {VideoEncodeCommand.class, VideoDecodeCommand.class})
public final class VideoCommand {
    @Mixin
    CommonOptions common;
}
