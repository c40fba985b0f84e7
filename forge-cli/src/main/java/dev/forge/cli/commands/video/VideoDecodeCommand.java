package dev.forge.cli.commands.video;

import static dev.forge.cli.Json.object;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.error.WouldOverwriteException;
import dev.forge.mirror.video.Ffmpeg;
import dev.forge.mirror.video.VideoDecoder;
import dev.forge.mirror.video.VideoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "decode",
        description = {
            "Decode a `forge video encode` video into OUT, every byte or none.",
            "The video may be a re-encoded, scaled or frame-rate-changed copy.",
            "OUT is written only when every byte is recovered and the payload's BLAKE3 matches;",
            "otherwise exit 5 and no OUT. Exit 6 if OUT exists (unless --force)."
        })
public final class VideoDecodeCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Parameters(index = "0", paramLabel = "VIDEO", description = "The video to read.")
    Path video;

    @Parameters(index = "1", paramLabel = "OUT", description = "The file to write.")
    Path out;

    @Option(names = "--force", description = "Replace OUT if it exists.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        Output o = common.output(json);
        Path in = common.cwd().resolve(video);
        Path target = common.cwd().resolve(out);
        if (!Files.isRegularFile(in)) throw new NotFoundException("no such file: " + video);
        if (Files.exists(target) && !force)
            throw new WouldOverwriteException(out + " exists: choose another name or pass --force");
        Ffmpeg.Size size = Ffmpeg.probe(in);
        VideoDecoder decoder = new VideoDecoder();
        Ffmpeg.read(in, size, decoder::accept);
        VideoDecoder.Result r = decoder.finish();
        VideoFiles.write(target, r.payload());
        if (o.json()) {
            o.json(object().put("video", in.toString())
                    .put("out", target.toString())
                    .put("payloadBytes", r.payload().length)
                    .put("framesRead", r.framesRead())
                    .put("framesUnreadable", r.framesUnreadable())
                    .put("framesDamaged", r.framesDamaged())
                    .put("framesDuplicate", r.framesDuplicate())
                    .put("framesMissing", r.framesMissing())
                    .put("framesRepaired", r.framesRepaired())
                    .put("symbolsCorrected", r.symbolsCorrected())
                    .put("blake3Matched", r.blake3Matched()));
        } else {
            o.info(
                    "Decoded %d bytes into %s: %d frames read (%d unreadable, %d damaged, %d duplicate), %d frames"
                            + " missing, %d frames repaired, %d symbols corrected, BLAKE3 matched%n",
                    r.payload().length,
                    out,
                    r.framesRead(),
                    r.framesUnreadable(),
                    r.framesDamaged(),
                    r.framesDuplicate(),
                    r.framesMissing(),
                    r.framesRepaired(),
                    r.symbolsCorrected());
        }
        return 0;
    }
}
