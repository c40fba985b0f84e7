package dev.forge.cli.web;

import dev.forge.core.model.ObjectId;
import dev.forge.core.repo.History;
import java.util.ArrayList;
import java.util.List;

/**
 * The commit graph of one page of history as text lanes: each commit is a ● in its lane, every other
 * line of descent passing by is a │, and a merge opens lanes for its other parents. Drawn per page
 * (lanes start afresh at the top of each page), which keeps a page of 100,000 commits as cheap as
 * the first.
 */
final class Lanes {
    private Lanes() {}

    static List<String> draw(List<History.Entry> page) {
        List<ObjectId> lanes = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        for (History.Entry e : page) {
            int at = lanes.indexOf(e.id());
            if (at < 0) {
                at = lanes.indexOf(null);
                if (at < 0) {
                    lanes.add(e.id());
                    at = lanes.size() - 1;
                } else {
                    lanes.set(at, e.id());
                }
            }
            StringBuilder row = new StringBuilder();
            for (int i = 0; i < lanes.size(); i++) {
                ObjectId l = lanes.get(i);
                row.append(i == at ? '●' : l == null ? ' ' : l.equals(e.id()) ? '┘' : '│');
                if (i < lanes.size() - 1) row.append(' ');
            }
            rows.add(row.toString().stripTrailing());
            // Lanes that were waiting for this commit end here; its first parent continues its lane.
            for (int i = 0; i < lanes.size(); i++) if (i != at && e.id().equals(lanes.get(i))) lanes.set(i, null);
            List<ObjectId> parents = e.commit().parents();
            lanes.set(at, parents.isEmpty() ? null : parents.get(0));
            for (int p = 1; p < parents.size(); p++) {
                if (lanes.contains(parents.get(p))) continue;
                int free = lanes.indexOf(null);
                if (free < 0) lanes.add(parents.get(p));
                else lanes.set(free, parents.get(p));
            }
            while (!lanes.isEmpty() && lanes.get(lanes.size() - 1) == null) lanes.remove(lanes.size() - 1);
        }
        return rows;
    }
}
