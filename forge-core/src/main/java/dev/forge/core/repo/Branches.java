package dev.forge.core.repo;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.model.Head;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.RefNames;
import dev.forge.core.port.ProgressListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Branches and tags ({@code forge branch}, {@code forge tag}, {@code forge switch}); each change is one op-log entry. */
public final class Branches {
    private final Repository repo;

    public Branches(Repository repo) {
        this.repo = repo;
    }

    public record Ref(String name, ObjectId commit, boolean current) {}

    public List<Ref> list(String prefix) {
        String current = repo.head().branchName().orElse(null);
        List<Ref> out = new ArrayList<>();
        for (Map.Entry<String, ObjectId> e : repo.meta().refs(prefix).entrySet()) {
            String name = e.getKey().substring(prefix.length());
            out.add(new Ref(name, e.getValue(), prefix.equals(RefNames.HEADS) && name.equals(current)));
        }
        return out;
    }

    public List<Ref> branches() {
        return list(RefNames.HEADS);
    }

    public List<Ref> tags() {
        return list(RefNames.TAGS);
    }

    /** Creates branch {@code name} at {@code rev} (HEAD when null). */
    public Ref createBranch(String name, String rev) {
        return create(RefNames.HEADS, "branch", name, rev);
    }

    public Ref createTag(String name, String rev) {
        return create(RefNames.TAGS, "tag", name, rev);
    }

    private Ref create(String prefix, String kind, String name, String rev) {
        if (!RefNames.isValidShortName(name))
            throw new InvalidInputException("'" + name + "' is not a valid " + kind + " name");
        String ref = prefix + name;
        if (repo.meta().ref(ref).isPresent())
            throw new ForgeException("a " + kind + " named '" + name + "' already exists");
        ObjectId commit = rev == null ? repo.resolve("HEAD") : repo.resolve(rev);
        repo.begin(kind + " " + name).setRef(ref, commit).commit();
        return new Ref(name, commit, false);
    }

    /** Deletes a branch; the current branch cannot be deleted. */
    public Ref deleteBranch(String name) {
        if (repo.head().branchName().filter(name::equals).isPresent()) {
            throw new ForgeException(
                    "cannot delete the branch you are on ('" + name + "'); switch to another branch first");
        }
        return delete(RefNames.HEADS, "branch", name);
    }

    public Ref deleteTag(String name) {
        return delete(RefNames.TAGS, "tag", name);
    }

    private Ref delete(String prefix, String kind, String name) {
        String ref = prefix + name;
        ObjectId old =
                repo.meta().ref(ref).orElseThrow(() -> new NotFoundException("no " + kind + " named '" + name + "'"));
        repo.begin(kind + " -d " + name).deleteRef(ref).commit();
        return new Ref(name, old, false);
    }

    /**
     * {@code forge switch BRANCH}: moves HEAD, the stage and the work tree to the branch. With {@code
     * create}, makes the branch at HEAD first (the work tree does not change). Before the first commit
     * it only renames the unborn branch HEAD points at.
     */
    public Checkout.Result switchTo(String name, boolean create, boolean force, ProgressListener progress) {
        long start = System.nanoTime();
        String ref = RefNames.branch(name);
        if (create) {
            if (!RefNames.isValidShortName(name))
                throw new InvalidInputException("'" + name + "' is not a valid branch name");
            if (repo.meta().ref(ref).isPresent())
                throw new ForgeException("a branch named '" + name + "' already exists");
            Optional<ObjectId> head = repo.headCommit();
            Transaction tx = repo.begin("switch -c " + name).setHead(new Head.OnBranch(name));
            head.ifPresent(c -> tx.setRef(ref, c));
            tx.commit();
            return new Checkout.Result(head.orElse(null), name, 0, 0, 0, List.of(), (System.nanoTime() - start) / 1e9);
        }
        ObjectId commit = repo.meta()
                .ref(ref)
                .orElseThrow(() -> new NotFoundException(
                        "no branch named '" + name + "' (use 'forge switch -c " + name + "' to create it)"));
        return new Checkout(repo)
                .moveTo(repo.begin("switch " + name), commit, new Head.OnBranch(name), force, progress, start);
    }
}
