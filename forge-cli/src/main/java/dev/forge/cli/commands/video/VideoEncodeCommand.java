package dev.forge.cli.commands.video;

import static dev.forge.cli.Json.object;

import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.error.WouldOverwriteException;
import dev.forge.mirror.video.Ffmpeg;
import dev.forge.mirror.video.FrameLayout;
import dev.forge.mirror.video.StreamPlan;
import dev.forge.mirror.video.VideoDecoder;
import dev.forge.mirror.video.VideoEncoder;
import dev.forge.mirror.video.VideoFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "encode",
        description = {
            "Encode FILE into the H.264 video OUT (through ffmpeg).",
            "The container follows OUT's extension (.mp4 or .mkv).",
            "Exit 6 if OUT exists (unless --force), 1 if ffmpeg is missing or fails."
        })
public final class VideoEncodeCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Parameters(index = "0", paramLabel = "FILE", description = "The file to encode (at most 256 MiB).")
    Path file;

    @Parameters(index = "1", paramLabel = "OUT", description = "The video to write, e.g. out.mp4.")
    Path out;

    @Option(
            names = "--resolution",
            paramLabel = "RES",
            defaultValue = "1080p",
            description = "1080p or 2160p (default ${DEFAULT-VALUE}).")
    String resolution;

    @Option(names = "--fps", paramLabel = "N", defaultValue = "30", description = "Frames per second (default 30).")
    int fps;

    @Option(
            names = "--cell",
            paramLabel = "PX",
            description = "Cell size in pixels (default 8 at 1080p, 16 at 2160p; docs/benchmarks.md).")
    Integer cell;

    @Option(
            names = "--bits",
            paramLabel = "N",
            defaultValue = "1",
            description = "Bits per cell, 1 or 2 (default ${DEFAULT-VALUE}; docs/benchmarks.md).")
    int bits;

    @Option(names = "--force", description = "Replace OUT if it exists.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        Output o = common.output(json);
        int scale = switch (resolution) {
            case "1080p" -> 1;
            case "2160p" -> 2;
            default -> throw new InvalidInputException("--resolution must be 1080p or 2160p, not " + resolution);
        };
        if (fps < 1 || fps > 120) throw new InvalidInputException("--fps must be 1..120");
        if (bits != 1 && bits != 2) throw new InvalidInputException("--bits must be 1 or 2");
        int cellPx = cell == null ? 8 * scale : cell;
        if (cellPx < 2 || cellPx > 64) throw new InvalidInputException("--cell must be 2..64 pixels");
        Path in = common.cwd().resolve(file);
        Path target = common.cwd().resolve(out);
        if (!Files.isRegularFile(in)) throw new NotFoundException("no such file: " + file);
        if (Files.size(in) > VideoDecoder.MAX_PAYLOAD)
            throw new InvalidInputException(file + " is larger than 256 MiB");
        if (Files.exists(target) && !force)
            throw new WouldOverwriteException(out + " exists: choose another name or pass --force");
        byte[] payload = Files.readAllBytes(in);
        FrameLayout layout;
        StreamPlan plan;
        try {
            layout = new FrameLayout(1920 * scale, 1080 * scale, cellPx, bits);
            plan = StreamPlan.of(layout, VideoDefaults.INNER_PARITY, payload.length);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(
                    "cannot encode with --cell " + cellPx + " --bits " + bits + ": " + e.getMessage());
        }
        Path tmp = VideoFiles.tempSibling(target);
        try {
            Ffmpeg.Writer writer = Ffmpeg.writer(tmp, layout.width(), layout.height(), fps);
            try {
                VideoEncoder.encode(payload, plan, writer);
            } catch (IOException | RuntimeException e) {
                writer.abort();
                throw e;
            }
            writer.close();
            VideoFiles.publish(tmp, target);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            Files.deleteIfExists(tmp);
        }
        long size = Files.size(target);
        double seconds = (double) plan.totalFrames() / fps;
        if (o.json()) {
            o.json(object().put("file", in.toString())
                    .put("video", target.toString())
                    .put("payloadBytes", payload.length)
                    .put("frames", plan.totalFrames())
                    .put("dataFrames", plan.groups() * plan.dataPerGroup())
                    .put("parityFrames", plan.groups() * plan.parityPerGroup())
                    .put("frameBytes", plan.blockBytes())
                    .put("seconds", seconds)
                    .put("videoBytes", size)
                    .put("width", layout.width())
                    .put("height", layout.height())
                    .put("cell", cellPx)
                    .put("bits", bits)
                    .put("fps", fps));
        } else {
            o.info(
                    "Encoded %d bytes into %s: %d frames (%d parity), %.1f s at %d fps, %dx%d, %d-px cells, %d bit(s)"
                            + " per cell, %d bytes%n",
                    payload.length,
                    out,
                    plan.totalFrames(),
                    plan.groups() * plan.parityPerGroup(),
                    seconds,
                    fps,
                    layout.width(),
                    layout.height(),
                    cellPx,
                    bits,
                    size);
        }
        return 0;
    }
}
