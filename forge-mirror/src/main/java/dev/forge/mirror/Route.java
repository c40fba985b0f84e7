package dev.forge.mirror;

import dev.forge.core.error.InvalidInputException;
import dev.forge.core.media.MediaCategory;
import dev.forge.core.repo.PathPatterns;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Which files' contents a mirror takes ({@code forge mirror add --only}): media categories
 * ({@code video}, {@code image}, {@code audio}, {@code model}, {@code game}, {@code document},
 * {@code other}; {@link MediaCategory}) and path globs ({@code .forgeignore} syntax). A file is taken
 * when its category or its path matches any of them; no items takes every file. Commits, trees and
 * chunk lists go to every mirror whatever its route.
 */
public final class Route {
    private final List<String> items;
    private final Set<MediaCategory> categories;
    private final PathPatterns globs;

    private Route(List<String> items, Set<MediaCategory> categories, PathPatterns globs) {
        this.items = List.copyOf(items);
        this.categories = categories;
        this.globs = globs;
    }

    public static final Route ALL =
            new Route(List.of(), EnumSet.noneOf(MediaCategory.class), PathPatterns.of(List.of()));

    /** The route of {@code items}: each a category name or a glob (anything with a '.', '*', '?', '[' or '/'). */
    public static Route of(List<String> items) {
        if (items.isEmpty()) return ALL;
        Set<MediaCategory> cats = EnumSet.noneOf(MediaCategory.class);
        List<String> globs = new ArrayList<>();
        for (String raw : items) {
            String item = raw.strip();
            if (item.isEmpty() || item.chars().anyMatch(Character::isISOControl))
                throw new InvalidInputException("--only takes a media category or a glob, got '" + raw + "'");
            var cat = MediaCategory.parse(item);
            if (cat.isPresent()) cats.add(cat.get());
            else if (item.matches(".*[.*?\\[/].*")) globs.add(item);
            else
                throw new InvalidInputException("'" + item + "' is neither a media category ("
                        + String.join(", ", labels()) + ") nor a glob such as '*.exr' or 'renders/**'");
        }
        return new Route(items, cats, PathPatterns.of(globs));
    }

    private static List<String> labels() {
        List<String> out = new ArrayList<>();
        for (MediaCategory c : MediaCategory.values()) out.add(c.label());
        return out;
    }

    public boolean takesAll() {
        return items.isEmpty();
    }

    public List<String> items() {
        return items;
    }

    /**
     * Whether the file at {@code path} is taken; {@code head} gives its first bytes (asked only when a
     * category could decide it; it may return fewer than {@link MediaCategory#HEAD_SIZE}, or none).
     */
    public boolean takes(String path, Supplier<byte[]> head) {
        if (takesAll() || globs.matches(path)) return true;
        if (categories.isEmpty()) return false;
        byte[] h = head.get();
        return categories.contains(MediaCategory.of(path, h, h.length));
    }

    @Override
    public String toString() {
        return takesAll() ? "everything" : String.join(",", items);
    }
}
