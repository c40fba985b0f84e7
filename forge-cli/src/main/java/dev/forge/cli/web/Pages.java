package dev.forge.cli.web;

import dev.forge.cli.Units;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.media.ByteRange;
import dev.forge.core.media.MediaInfo;
import dev.forge.core.media.TimeRange;
import dev.forge.core.model.Commit;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.TreeEntry;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.repo.Branches;
import dev.forge.core.repo.Diff;
import dev.forge.core.repo.History;
import dev.forge.core.repo.ObjectReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The HTML pages of {@code forge web}: history, a commit, a folder, a file's history, a visual diff. */
final class Pages {
    static final int LOG_PAGE = 100;
    static final int FILES_PAGE = 200;
    static final int VERSIONS_PAGE = 50;
    static final int TREE_PAGE = 500;
    /** Files counted per history row; a commit with more says "N+". */
    static final int ROW_FILES = 10_000;
    /** Commits read per page of a file's history. */
    static final int VERSION_SCAN = 5_000;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm xxx", Locale.ROOT);

    private final RepoReader reader;
    private final Ffmpeg ffmpeg;
    private final String repoName;

    Pages(RepoReader reader, Ffmpeg ffmpeg) {
        this.reader = reader;
        this.ffmpeg = ffmpeg;
        Path name = reader.root().getFileName();
        this.repoName = name == null ? reader.root().toString() : name.toString();
    }

    private static String hex(ObjectId id) {
        return id.hex();
    }

    /** The remotes and mirrors; with {@code look}, that remote's locks and mirror status (network). */
    String remotes(String look) throws IOException {
        return RemotesPage.render(reader, repoName, look);
    }

    // ---- history

    String log(String rev, int skip) throws IOException {
        return reader.read(repo -> {
            Html h = new Html();
            Map<ObjectId, List<String>> labels = new HashMap<>();
            List<Branches.Ref> branches = new Branches(repo).branches();
            List<Branches.Ref> tags = new Branches(repo).tags();
            for (Branches.Ref r : branches)
                labels.computeIfAbsent(r.commit(), k -> new ArrayList<>()).add(r.name());
            for (Branches.Ref r : tags)
                labels.computeIfAbsent(r.commit(), k -> new ArrayList<>()).add("tag: " + r.name());
            h.raw("<div class=\"layout\"><aside><h2>Branches</h2><ul class=\"refs\">");
            for (Branches.Ref r : branches) {
                h.raw("<li" + (r.current() ? " class=\"current\"" : "") + ">")
                        .link("/log?rev=" + Html.q(r.name()), r.name())
                        .raw("</li>");
            }
            h.raw("</ul>");
            if (!tags.isEmpty()) {
                h.raw("<h2>Tags</h2><ul class=\"refs\">");
                for (Branches.Ref r : tags)
                    h.raw("<li>").link("/log?rev=" + Html.q(r.name()), r.name()).raw("</li>");
                h.raw("</ul>");
            }
            h.raw("</aside><section>");
            h.raw("<h1>History of ")
                    .text(rev == null ? repo.describeHead() : rev)
                    .raw("</h1>");
            List<History.Entry> all = new History(repo).log(rev, skip + LOG_PAGE + 1);
            if (all.isEmpty()) {
                h.raw("<p class=\"empty\">No commits yet.</p>");
            } else {
                List<History.Entry> page =
                        all.subList(Math.min(skip, all.size()), Math.min(skip + LOG_PAGE, all.size()));
                List<String> graph = Lanes.draw(page);
                h.raw("<table class=\"log\"><thead><tr><th>Graph</th><th>Commit</th><th>Message</th><th>Author</th>"
                        + "<th>Time</th><th>Files</th><th>Size change</th></tr></thead><tbody>");
                ObjectReader o = repo.objects();
                for (int i = 0; i < page.size(); i++) {
                    History.Entry e = page.get(i);
                    Commit c = e.commit();
                    ObjectId parentTree = c.parents().isEmpty()
                            ? null
                            : o.commit(c.parents().get(0)).tree();
                    List<RepoReader.Change> ch = RepoReader.changes(o, parentTree, c.tree(), ROW_FILES + 1);
                    long delta = 0;
                    for (RepoReader.Change x : ch) delta += x.sizeDelta();
                    h.raw("<tr><td class=\"graph\">").text(graph.get(i)).raw("</td><td class=\"id\">");
                    h.link("/commit/" + hex(e.id()), e.id().shortHex());
                    h.raw("</td><td class=\"msg\">");
                    for (String l : labels.getOrDefault(e.id(), List.of()))
                        h.raw("<span class=\"label\">").text(l).raw("</span> ");
                    h.link("/commit/" + hex(e.id()), c.subject());
                    h.raw("</td><td>")
                            .text(c.author())
                            .raw("</td><td class=\"time\">")
                            .text(TIME.format(c.time()));
                    h.raw("</td><td class=\"num\">")
                            .text(ch.size() > ROW_FILES ? ROW_FILES + "+" : Integer.toString(ch.size()))
                            .raw("</td><td class=\"num\">")
                            .text(signed(delta))
                            .raw("</td></tr>");
                }
                h.raw("</tbody></table><p class=\"pager\">");
                String base = "/log?" + (rev == null ? "" : "rev=" + Html.q(rev) + "&") + "skip=";
                if (skip > 0) h.link(base + Math.max(0, skip - LOG_PAGE), "← Newer");
                h.raw(" <span>commits ")
                        .text((skip + 1) + "–" + (skip + page.size()))
                        .raw("</span> ");
                if (all.size() > skip + LOG_PAGE) h.link(base + (skip + LOG_PAGE), "Older →");
                h.raw("</p>");
            }
            h.raw("</section></div>");
            return Html.page("History", repoName, h);
        });
    }

    // ---- one commit

    String commit(String rev, int skip) throws IOException {
        return reader.read(repo -> {
            ObjectId id = repo.resolve(rev);
            ObjectReader o = repo.objects();
            Commit c = o.commit(id);
            ObjectId parent = c.parents().isEmpty() ? null : c.parents().get(0);
            List<RepoReader.Change> changes = RepoReader.changes(
                    o, parent == null ? null : o.commit(parent).tree(), c.tree(), skip + FILES_PAGE + 1);
            Html h = new Html();
            h.raw("<h1>")
                    .text(c.subject())
                    .raw("</h1><dl class=\"meta\"><dt>Commit</dt><dd class=\"id\">")
                    .text(hex(id))
                    .raw("</dd><dt>Author</dt><dd>")
                    .text(c.author())
                    .raw("</dd><dt>Time</dt><dd>")
                    .text(TIME.format(c.time()))
                    .raw("</dd><dt>Parents</dt><dd>");
            if (c.parents().isEmpty()) h.text("none (the first commit)");
            for (ObjectId p : c.parents())
                h.link("/commit/" + hex(p), p.shortHex()).raw(" ");
            h.raw("</dd><dt>Files</dt><dd>")
                    .link("/tree?c=" + hex(id), "browse this commit")
                    .raw("</dd></dl>");
            h.raw("<pre class=\"message\">").text(c.message()).raw("</pre>");
            List<RepoReader.Change> page =
                    changes.subList(Math.min(skip, changes.size()), Math.min(skip + FILES_PAGE, changes.size()));
            h.raw("<h2>Changed files</h2>");
            if (changes.isEmpty()) h.raw("<p class=\"empty\">No file changed.</p>");
            h.raw("<ul class=\"changes\">");
            for (RepoReader.Change x : page) {
                h.raw("<li class=\"change\"><div class=\"path\">")
                        .text(x.path())
                        .raw(" <span class=\"kind\">")
                        .text(x.old() == null ? "added" : x.neu() == null ? "deleted" : "modified")
                        .raw("</span></div><div class=\"pair\">");
                thumb(h, parent, x.path(), x.old());
                h.raw("<span class=\"arrow\">→</span>");
                thumb(h, id, x.path(), x.neu());
                h.raw("</div><div class=\"sizes\">")
                        .text(size(x.old()) + " → " + size(x.neu()) + " (" + signed(x.sizeDelta()) + ")")
                        .raw("</div><div class=\"links\">");
                if (parent != null && x.old() != null && x.neu() != null)
                    h.link(diffUrl(parent, id, x.path()), "Visual diff").raw(" ");
                h.link("/file?c=" + hex(id) + "&p=" + Html.q(x.path()), "History")
                        .raw("</div></li>");
            }
            h.raw("</ul><p class=\"pager\">");
            if (skip > 0) h.link("/commit/" + hex(id) + "?skip=" + Math.max(0, skip - FILES_PAGE), "← Previous files");
            if (changes.size() > skip + FILES_PAGE)
                h.raw(" ").link("/commit/" + hex(id) + "?skip=" + (skip + FILES_PAGE), "More files →");
            h.raw("</p>");
            return Html.page(c.subject(), repoName, h);
        });
    }

    static String diffUrl(ObjectId a, ObjectId b, String path) {
        return "/diff?a=" + a.hex() + "&b=" + b.hex() + "&p=" + Html.q(path);
    }

    /** The thumbnail of {@code e} (in commit {@code commit}) or a note why there is none. */
    private void thumb(Html h, ObjectId commit, String path, TreeEntry e) {
        if (e == null || commit == null) {
            h.raw("<span class=\"nothumb\">none</span>");
            return;
        }
        MediaKind k = MediaKind.of(path);
        if (!e.kind().isFile() || k == MediaKind.OTHER) {
            h.raw("<span class=\"nothumb\">").text(ext(path)).raw("</span>");
        } else if (k.needsFfmpeg() && !ffmpeg.available()) {
            h.raw("<span class=\"nothumb\" title=\"").text(Ffmpeg.MISSING).raw("\">needs ffmpeg</span>");
        } else {
            h.img(mediaUrl("thumb", commit, path, e), path, "thumb");
        }
    }

    static String mediaUrl(String kind, ObjectId commit, String path, TreeEntry e) {
        return "/" + kind + "?id=" + e.id().hex() + "&c=" + commit.hex() + "&p=" + Html.q(path);
    }

    private static String ext(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? "file" : name.substring(dot + 1).toUpperCase(Locale.ROOT);
    }

    private static String size(TreeEntry e) {
        return e == null ? "–" : Units.human(e.size());
    }

    static String signed(long delta) {
        return (delta > 0 ? "+" : delta < 0 ? "−" : "±") + Units.human(Math.abs(delta));
    }

    // ---- a folder

    String tree(String rev, String path, int skip) throws IOException {
        return reader.read(repo -> {
            ObjectId id = repo.resolve(rev == null ? "HEAD" : rev);
            ObjectReader o = repo.objects();
            ObjectId dir = RepoReader.folder(o, o.commit(id).tree(), path);
            if (dir == null) throw new NotFoundException("no folder '" + path + "' in " + id.shortHex());
            Html h = new Html();
            h.raw("<h1 class=\"crumbs\">").link("/tree?c=" + hex(id), repoName);
            String so = "";
            if (!path.isEmpty()) {
                for (String name : path.split("/")) {
                    so = so.isEmpty() ? name : so + "/" + name;
                    h.raw(" / ").link("/tree?c=" + hex(id) + "&p=" + Html.q(so), name);
                }
            }
            h.raw("</h1><p>At commit ")
                    .link("/commit/" + hex(id), id.shortHex())
                    .raw("</p>");
            h.raw("<ul class=\"files\">");
            // Folders first, then files; a page holds TREE_PAGE entries (a folder may hold 100,000 files).
            List<TreeEntry> sorted = new ArrayList<>();
            for (TreeEntry e : o.tree(dir).entries()) if (e.kind() == FileKind.DIRECTORY) sorted.add(e);
            for (TreeEntry e : o.tree(dir).entries()) if (e.kind() != FileKind.DIRECTORY) sorted.add(e);
            List<TreeEntry> entries =
                    sorted.subList(Math.min(skip, sorted.size()), Math.min(skip + TREE_PAGE, sorted.size()));
            for (TreeEntry e : entries) {
                String p = path.isEmpty() ? e.name() : path + "/" + e.name();
                if (e.kind() != FileKind.DIRECTORY) continue;
                h.raw("<li class=\"dir\"><span class=\"icon\">📁</span> ")
                        .link("/tree?c=" + hex(id) + "&p=" + Html.q(p), e.name() + "/")
                        .raw("</li>");
            }
            for (TreeEntry e : entries) {
                String p = path.isEmpty() ? e.name() : path + "/" + e.name();
                if (e.kind() == FileKind.DIRECTORY) continue;
                h.raw("<li class=\"file\">");
                thumb(h, id, p, e);
                h.raw(" <span class=\"name\">")
                        .text(e.name())
                        .raw("</span> <span class=\"size\">")
                        .text(Units.human(e.size()))
                        .raw("</span> ")
                        .link("/file?c=" + hex(id) + "&p=" + Html.q(p), "History")
                        .raw("</li>");
            }
            h.raw("</ul><p class=\"pager\">");
            String base = "/tree?c=" + hex(id) + (path.isEmpty() ? "" : "&p=" + Html.q(path)) + "&skip=";
            if (skip > 0) h.link(base + Math.max(0, skip - TREE_PAGE), "← Previous");
            if (sorted.size() > 0)
                h.raw(" <span>")
                        .text((Math.min(skip, sorted.size()) + 1) + "–"
                                + (Math.min(skip, sorted.size()) + entries.size()) + " of " + sorted.size())
                        .raw("</span> ");
            if (sorted.size() > skip + TREE_PAGE) h.link(base + (skip + TREE_PAGE), "Next →");
            h.raw("</p>");
            return Html.page(path.isEmpty() ? "Files" : path, repoName, h);
        });
    }

    // ---- one file's history

    String file(String rev, String path, int skip) throws IOException {
        return reader.read(repo -> {
            ObjectId start = repo.resolve(rev == null ? "HEAD" : rev);
            ObjectReader o = repo.objects();
            List<History.Entry> log = new History(repo).log(start.hex(), VERSION_SCAN + 1);
            record Version(ObjectId commit, Commit c, TreeEntry e, ObjectId older) {}
            List<Version> versions = new ArrayList<>();
            for (History.Entry h : log.subList(0, Math.min(log.size(), VERSION_SCAN))) {
                TreeEntry e = RepoReader.find(o, h.commit().tree(), path);
                ObjectId parent = h.commit().parents().isEmpty()
                        ? null
                        : h.commit().parents().get(0);
                TreeEntry before = parent == null
                        ? null
                        : RepoReader.find(o, o.commit(parent).tree(), path);
                boolean same = e == null
                        ? before == null
                        : before != null
                                && before.kind() == e.kind()
                                && before.id().equals(e.id());
                if (!same) versions.add(new Version(h.id(), h.commit(), e, before == null ? null : parent));
                if (versions.size() > skip + VERSIONS_PAGE) break;
            }
            Html h = new Html();
            h.raw("<h1>History of ").text(path).raw("</h1><ul class=\"versions\">");
            for (Version v : versions.subList(
                    Math.min(skip, versions.size()), Math.min(skip + VERSIONS_PAGE, versions.size()))) {
                h.raw("<li class=\"version\">");
                thumb(h, v.commit(), path, v.e());
                h.raw("<div><div>")
                        .link("/commit/" + hex(v.commit()), v.commit().shortHex())
                        .raw(" ")
                        .text(v.c().subject())
                        .raw("</div><div class=\"sub\">")
                        .text(v.c().author() + " · " + TIME.format(v.c().time()) + " · "
                                + (v.e() == null ? "deleted" : Units.human(v.e().size())))
                        .raw("</div>");
                if (v.older() != null && v.e() != null)
                    h.raw("<div>")
                            .link(diffUrl(v.older(), v.commit(), path), "Visual diff with the version before")
                            .raw("</div>");
                h.raw("</div></li>");
            }
            h.raw("</ul>");
            if (versions.isEmpty()) h.raw("<p class=\"empty\">No version of this path in the history read.</p>");
            h.raw("<p class=\"pager\">");
            String base = "/file?c=" + hex(start) + "&p=" + Html.q(path) + "&skip=";
            if (skip > 0) h.link(base + Math.max(0, skip - VERSIONS_PAGE), "← Newer");
            if (versions.size() > skip + VERSIONS_PAGE) h.raw(" ").link(base + (skip + VERSIONS_PAGE), "Older →");
            if (log.size() > VERSION_SCAN)
                h.raw(" <span class=\"sub\">(the newest ")
                        .text(Integer.toString(VERSION_SCAN))
                        .raw(" commits were read)</span>");
            h.raw("</p>");
            return Html.page(path, repoName, h);
        });
    }

    // ---- visual diff

    String diff(String a, String b, String path) throws IOException {
        return reader.read(repo -> {
            ObjectId x = repo.resolve(a);
            ObjectId y = repo.resolve(b);
            ObjectReader o = repo.objects();
            TreeEntry ea = RepoReader.find(o, o.commit(x).tree(), path);
            TreeEntry eb = RepoReader.find(o, o.commit(y).tree(), path);
            if (ea == null && eb == null)
                throw new NotFoundException("'" + path + "' is in neither " + x.shortHex() + " nor " + y.shortHex());
            Diff.FileDiff fd = null;
            for (Diff.FileDiff f : new Diff(repo)
                    .run(reader.root(), List.of(x.hex(), y.hex()), List.of(path), true, ProgressListener.NONE)
                    .files()) {
                if (f.path().equals(path)) fd = f;
            }
            Html h = new Html();
            h.raw("<h1>")
                    .text(path)
                    .raw("</h1><p>")
                    .link("/commit/" + hex(x), x.shortHex())
                    .raw(" → ")
                    .link("/commit/" + hex(y), y.shortHex())
                    .raw(" · ")
                    .link("/file?c=" + hex(y) + "&p=" + Html.q(path), "History of this file")
                    .raw("</p>");
            if (fd == null) {
                h.raw("<p class=\"empty\">The two versions are the same.</p>");
                return Html.page(path, repoName, h);
            }
            h.raw("<table class=\"facts\"><tr><th></th><th>Before</th><th>After</th></tr><tr><td>Size</td><td>")
                    .text(size(ea))
                    .raw("</td><td>")
                    .text(size(eb))
                    .raw("</td></tr><tr><td>Media</td><td>")
                    .text(fd.oldMedia() == null ? "–" : describe(fd.oldMedia()))
                    .raw("</td><td>")
                    .text(fd.newMedia() == null ? "–" : describe(fd.newMedia()))
                    .raw("</td></tr><tr><td>New bytes</td><td></td><td>")
                    .text(Units.human(fd.newBytes()) + " in " + fd.newRanges().size() + " range(s)")
                    .raw("</td></tr></table>");
            MediaKind k = MediaKind.of(path);
            boolean both =
                    ea != null && eb != null && ea.kind().isFile() && eb.kind().isFile();
            if (k.needsFfmpeg() && !ffmpeg.available()) {
                h.raw("<p class=\"notice\">").text(Ffmpeg.MISSING + ".").raw("</p>");
            } else if (both && k.image()) {
                imageDiff(h, x, y, path, ea, eb);
            } else if (both && k == MediaKind.VIDEO) {
                videoDiff(h, x, y, path, ea, eb, fd);
            } else if (both && k.audio()) {
                audioDiff(h, x, y, path, ea, eb, fd);
            }
            if (fd.unifiedDiff() != null) unified(h, fd.unifiedDiff());
            byteRanges(h, fd, eb);
            return Html.page("Diff of " + path, repoName, h);
        });
    }

    private void imageDiff(Html h, ObjectId x, ObjectId y, String path, TreeEntry ea, TreeEntry eb) {
        String before = mediaUrl("preview", x, path, ea);
        String after = mediaUrl("preview", y, path, eb);
        h.raw("<h2>Side by side</h2><div class=\"sidebyside\"><figure>")
                .img(before, "before", "before")
                .raw("<figcaption>Before</figcaption></figure><figure>")
                .img(after, "after", "after")
                .raw("<figcaption>After</figcaption></figure></div>");
        h.raw("<h2>Slider</h2><div class=\"compare slider\" data-mode=\"slider\">")
                .img(before, "before", "under")
                .raw("<div class=\"top\">")
                .img(after, "after", "over")
                .raw("</div></div><input type=\"range\" min=\"0\" max=\"100\" value=\"50\" class=\"control\""
                        + " data-for=\"slider\" aria-label=\"slider position\">");
        h.raw("<h2>Onion skin</h2><div class=\"compare onion\" data-mode=\"onion\">")
                .img(before, "before", "under")
                .raw("<div class=\"top\">")
                .img(after, "after", "over")
                .raw("</div></div><input type=\"range\" min=\"0\" max=\"100\" value=\"50\" class=\"control\""
                        + " data-for=\"onion\" aria-label=\"opacity of the new version\">");
        h.raw("<h2>Changed pixels</h2><p class=\"sub\">Magenta: pixels that differ; the new version shows faintly"
                        + " beneath.</p><div class=\"difference\">")
                .img(after, "after", "faint")
                .img(
                        "/imgdiff?a=" + ea.id().hex() + "&b=" + eb.id().hex() + "&ca=" + x.hex() + "&cb=" + y.hex()
                                + "&p=" + Html.q(path),
                        "difference",
                        "diffimg")
                .raw("</div>");
    }

    private void videoDiff(Html h, ObjectId x, ObjectId y, String path, TreeEntry ea, TreeEntry eb, Diff.FileDiff fd) {
        double da = duration(fd.oldMedia());
        double db = duration(fd.newMedia());
        double d = Math.max(da, db);
        if (d <= 0) {
            h.raw("<p class=\"notice\">The video's duration is unknown: no frame strip.</p>");
            return;
        }
        long[] t = Previews.times(d, 6);
        StringBuilder ts = new StringBuilder();
        for (long m : t) ts.append(ts.isEmpty() ? "" : ",").append(m);
        h.raw("<h2>Frames at ").text(Previews.describe(t)).raw("</h2><div class=\"timeline-box\">");
        h.raw("<div class=\"stripname\">Before</div>")
                .img(mediaUrl("strip", x, path, ea) + "&t=" + ts, "before frames", "strip");
        h.raw("<div class=\"stripname\">After</div>")
                .img(mediaUrl("strip", y, path, eb) + "&t=" + ts, "after frames", "strip");
        marks(h, fd.changedTimes(), d);
        h.raw("</div>");
    }

    private void audioDiff(Html h, ObjectId x, ObjectId y, String path, TreeEntry ea, TreeEntry eb, Diff.FileDiff fd) {
        double d = Math.max(duration(fd.oldMedia()), duration(fd.newMedia()));
        h.raw("<h2>Waveforms</h2><div class=\"timeline-box\">");
        h.raw("<div class=\"stripname\">Before</div>").img(mediaUrl("wave", x, path, ea), "before waveform", "wave");
        h.raw("<div class=\"stripname\">After</div>").img(mediaUrl("wave", y, path, eb), "after waveform", "wave");
        if (d > 0) marks(h, fd.changedTimes(), d);
        h.raw("</div>");
    }

    /** The changed time ranges as marks on a bar as wide as the strips; the script places them. */
    private static void marks(Html h, List<TimeRange> times, double duration) {
        h.raw("<div class=\"stripname\">Changed</div><div class=\"timeline\" title=\"changed time ranges\">");
        if (times != null) {
            for (TimeRange r : times.subList(0, Math.min(500, times.size()))) {
                h.raw("<span class=\"mark\" data-start=\"")
                        .text(String.format(Locale.ROOT, "%.6f", Math.max(0, r.start() / duration)))
                        .raw("\" data-end=\"")
                        .text(String.format(Locale.ROOT, "%.6f", Math.min(1, r.end() / duration)))
                        .raw("\" title=\"")
                        .text(String.format(Locale.ROOT, "%.3f s – %.3f s", r.start(), r.end()))
                        .raw("\"></span>");
            }
        }
        h.raw("</div>");
        if (times == null) h.raw("<p class=\"sub\">This format has no map from bytes to time.</p>");
        else if (times.isEmpty()) h.raw("<p class=\"sub\">No time range changed.</p>");
    }

    /** A text file's unified diff (what {@code forge diff} prints), at most 5,000 lines. */
    private static void unified(Html h, List<String> lines) {
        h.raw("<h2>Text</h2><pre class=\"udiff\">");
        for (String l : lines.subList(0, Math.min(5000, lines.size()))) {
            String cls = l.startsWith("@@") ? "hunk" : l.startsWith("+") ? "add" : l.startsWith("-") ? "del" : "ctx";
            h.raw("<span class=\"" + cls + "\">").text(l).raw("</span>\n");
        }
        if (lines.size() > 5000)
            h.raw("<span class=\"hunk\">")
                    .text("… " + lines.size() + " lines in all")
                    .raw("</span>");
        h.raw("</pre>");
    }

    private static void byteRanges(Html h, Diff.FileDiff fd, TreeEntry eb) {
        h.raw("<h2>Changed bytes</h2>");
        long size = eb == null ? 0 : eb.size();
        if (size > 0) {
            h.raw("<div class=\"timeline bytes\">");
            for (ByteRange r :
                    fd.newRanges().subList(0, Math.min(500, fd.newRanges().size()))) {
                h.raw("<span class=\"mark\" data-start=\"")
                        .text(String.format(Locale.ROOT, "%.6f", (double) r.offset() / size))
                        .raw("\" data-end=\"")
                        .text(String.format(Locale.ROOT, "%.6f", (double) r.end() / size))
                        .raw("\"></span>");
            }
            h.raw("</div>");
        }
        h.raw("<ul class=\"ranges\">");
        for (ByteRange r : fd.newRanges().subList(0, Math.min(50, fd.newRanges().size()))) {
            h.raw("<li>")
                    .text("bytes " + r.offset() + "–" + (r.end() - 1) + " (" + Units.human(r.length()) + ")")
                    .raw("</li>");
        }
        if (fd.newRanges().size() > 50)
            h.raw("<li>").text("… " + fd.newRanges().size() + " ranges in all").raw("</li>");
        h.raw("</ul>");
    }

    private static double duration(MediaInfo m) {
        Double d = switch (m) {
            case MediaInfo.Video v -> v.durationSeconds();
            case MediaInfo.Audio a -> a.durationSeconds();
            case null, default -> null;
        };
        return d == null || d.isNaN() ? 0 : d;
    }

    private static String describe(MediaInfo m) {
        return dev.forge.cli.commands.DiffCommand.describe(m);
    }
}
