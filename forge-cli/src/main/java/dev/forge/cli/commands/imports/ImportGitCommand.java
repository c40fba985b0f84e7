package dev.forge.cli.commands.imports;

import static dev.forge.cli.Json.object;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.cli.Json;
import dev.forge.cli.Output;
import dev.forge.cli.options.CommonOptions;
import dev.forge.cli.options.JsonOption;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.gitimport.GitImport;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        addMethodSubcommands = false,
        name = "git",
        description = {
            "Import a git repository's branches, tags and history (LFS files too).",
            "Git LFS files are stored with their real content.",
            "Run it again to import only the commits that are new; 'forge import map REV' pairs git and Forge ids."
        })
public final class ImportGitCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Parameters(
            index = "0",
            paramLabel = "SOURCE",
            description = "A local git repository (work tree or bare) or a clone URL.")
    String source;

    @Option(
            names = "--branches",
            paramLabel = "GLOB",
            description = "Only the branches whose names match GLOB ('*' matches anything, '/' too). Default: all.")
    String branches;

    @Option(names = "--tags", description = "Import the tags too (annotated tags as the commits they name).")
    boolean tags;

    @Option(
            names = "--lfs-from",
            paramLabel = "PATH|URL",
            description = "Where Git LFS objects are besides the source's own .git/lfs/objects: a repository or"
                    + " lfs/objects folder, or an LFS server URL (batch API).")
    String lfsFrom;

    @Option(
            names = "--allow-missing-lfs",
            description =
                    "Import a Git LFS file whose object is nowhere to be found as its pointer (listed in the summary) instead of stopping.")
    boolean allowMissingLfs;

    @Override
    public Integer call() {
        Output out = common.output(json);
        try (Repository repo = common.open()) {
            boolean unborn = repo.headCommit().isEmpty();
            GitImport.Result r = new GitImport(repo)
                    .run(new GitImport.Options(source, branches, tags, lfsFrom, allowMissingLfs), out.progress());
            if (out.json()) {
                ObjectNode o = object().put("source", source)
                        .put("commits", r.commits())
                        .put("alreadyImported", r.alreadyImported())
                        .put("blobsRead", r.blobsRead())
                        .put("bytesRead", r.bytesRead())
                        .put("lfsObjects", r.lfsObjects());
                o.set("branches", refs(r.branches()));
                o.set("tags", refs(r.tags()));
                ArrayNode missing = o.putArray("missingLfs");
                for (GitImport.MissingLfs m : r.missingLfs())
                    missing.addObject()
                            .put("path", m.path())
                            .put("gitCommit", m.gitCommit())
                            .put("oid", m.oid())
                            .put("size", m.size());
                ArrayNode portability = o.putArray("portability");
                for (var p : r.portability())
                    portability.addObject().put("path", p.path()).put("problem", p.problem());
                ArrayNode skipped = o.putArray("skipped");
                for (GitImport.Skipped s : r.skipped())
                    skipped.addObject().put("what", s.what()).put("reason", s.reason());
                out.json(o);
            } else {
                out.info(
                        "Imported %d commit%s from %s (%d already imported; %d file version%s read, %s, %d from Git LFS)%n",
                        r.commits(),
                        r.commits() == 1 ? "" : "s",
                        source,
                        r.alreadyImported(),
                        r.blobsRead(),
                        r.blobsRead() == 1 ? "" : "s",
                        dev.forge.cli.Units.human(r.bytesRead()),
                        r.lfsObjects());
                for (GitImport.RefResult b : r.branches())
                    out.info("  branch %s %s (%s)%n", b.name(), b.commit().shortHex(), b.change());
                for (GitImport.RefResult t : r.tags())
                    out.info("  tag %s %s (%s)%n", t.name(), t.commit().shortHex(), t.change());
                for (GitImport.MissingLfs m : r.missingLfs())
                    out.warn("Git LFS object " + m.oid() + " of '" + m.path() + "' in commit " + m.gitCommit()
                            + " is missing: imported as its pointer");
                for (GitImport.Skipped s : r.skipped()) out.warn("skipped " + s.what() + ": " + s.reason());
                for (var p :
                        r.portability().subList(0, Math.min(20, r.portability().size())))
                    out.warn("'" + p.path() + "' will not check out as it is everywhere: " + p.problem());
                if (r.portability().size() > 20)
                    out.warn("... and " + (r.portability().size() - 20) + " more such paths (--json lists them all)");
                if (unborn && !r.branches().isEmpty()) {
                    String head = repo.head() instanceof dev.forge.core.model.Head.OnBranch b ? b.branch() : null;
                    String pick = r.branches().stream()
                            .map(GitImport.RefResult::name)
                            .filter(n -> n.equals(head))
                            .findFirst()
                            .orElse(r.branches().get(0).name());
                    out.info("Run 'forge checkout %s' to fill the work tree.%n", pick);
                }
            }
        }
        return 0;
    }

    private static ArrayNode refs(List<GitImport.RefResult> refs) {
        ArrayNode a = Json.array();
        for (GitImport.RefResult b : refs)
            a.addObject()
                    .put("name", b.name())
                    .put("gitCommit", b.gitId())
                    .put("commit", b.commit().hex())
                    .put("change", b.change());
        return a;
    }
}
