package dev.forge.mirror.age;

import java.util.List;

/** One recipient stanza of an age header: its arguments (the first names the type) and its body. */
public record Stanza(List<String> args, byte[] body) {
    public Stanza {
        args = List.copyOf(args);
        body = body.clone();
    }

    public String type() {
        return args.getFirst();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}
